// @vitest-environment happy-dom
// The header's reachability badge and the "While you were away" panel, as a person
// reads them: the state and when it was checked; a gap pushed on the stream appears
// without a reload.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { Gap } from '../../shared/gaps';
import type { Status } from '../../shared/types';
import { setApi, type Client } from '../../renderer/api';
import { AwayPanel } from '../../renderer/app/AwayPanel';
import { ReachabilityBadge } from '../../renderer/app/ReachabilityBadge';

afterEach(() => {
  cleanup();
  setApi(null);
  localStorage.clear();
});

const base = {
  publicUrl: 'https://a.ngrok.app',
  tunnel: { state: 'online', provider: 'ngrok', url: 'https://a.ngrok.app', error: null, since: '' },
} as unknown as Status;

it('the badge says reachable or not reachable, with the attention sentence as its title; nothing without a tunnel', () => {
  const checkedAt = new Date().toISOString();
  const { rerender, container } = render(
    <ReachabilityBadge status={{ ...base, reachability: { state: 'reachable', checkedAt, attention: null } }} />,
  );
  expect(screen.getByRole('status').textContent).toBe('Reachable · checked now');
  rerender(
    <ReachabilityBadge
      status={{ ...base, reachability: { state: 'unreachable', checkedAt, attention: "Shopify can't reach Hookdock" } }}
    />,
  );
  expect(screen.getByRole('status').textContent).toContain('Not reachable');
  expect(screen.getByRole('status').getAttribute('title')).toBe("Shopify can't reach Hookdock");
  rerender(
    <ReachabilityBadge
      status={{ ...base, publicUrl: null, reachability: { state: 'unknown', checkedAt: null, attention: null } }}
    />,
  );
  expect(container.textContent).toBe('');
});

it('the panel lists gaps with each source’s sentences, and a gap pushed on the stream shows up', async () => {
  const now = Date.now();
  const gap = (id: string, cause: Gap['cause']): Gap => ({
    id,
    cause,
    from: new Date(now - 20 * 60_000).toISOString(),
    to: new Date(now - 10 * 60_000).toISOString(),
    sources: [{ id: 'shop', provider: 'shopify', providerPolicy: 'Shopify retries.', recovery: 'Nothing to do.' }],
  });
  let items = [gap('g1', 'stopped')];
  const listeners = new Map<string, (p: unknown) => void>();
  setApi({
    listGaps: async () => ({ items }),
    listen: (name: string, fn: (p: unknown) => void) => {
      listeners.set(name, fn);
      return () => listeners.delete(name);
    },
  } as unknown as Client);
  render(<AwayPanel />);
  expect(await screen.findByText('Hookdock was not running')).toBeTruthy();
  expect(screen.getByText('Nothing to do.')).toBeTruthy();
  items = [gap('g2', 'asleep'), ...items];
  await act(async () => listeners.get('gap.changed')!(items[0]));
  expect(await screen.findByText('This computer was asleep')).toBeTruthy();
  expect(screen.getByRole('region', { name: 'While you were away' }).querySelectorAll('.away-gap')).toHaveLength(2);
});
