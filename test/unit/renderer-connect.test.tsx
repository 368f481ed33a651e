// @vitest-environment happy-dom
// Connect in the renderer: what "While you were away" says a recovery did, in words,
// and a recovery report pushed on the stream (`connect.recovered`) showing up in the panel.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecoveryReport } from '../../shared/connect';
import type { Gap } from '../../shared/gaps';
import { setApi, type Client } from '../../renderer/api';
import { AwayPanel, recoveryWords } from '../../renderer/app/AwayPanel';

afterEach(() => {
  cleanup();
  setApi(null);
  localStorage.clear();
});

const report = (r: Partial<RecoveryReport>): RecoveryReport => ({
  source: 'payments',
  from: '2026-11-30T06:00:00.000Z',
  to: '2026-11-30T07:00:00.000Z',
  recovered: 0,
  redelivered: 0,
  recreated: 0,
  reenabled: 0,
  notes: [],
  at: '2026-11-30T07:00:01.000Z',
  ...r,
});

describe('recoveryWords', () => {
  it('says what was done, in one sentence', () => {
    expect(recoveryWords(report({ recovered: 1 }))).toBe('Hookdock got back 1 missed event.');
    expect(recoveryWords(report({ recovered: 3, recreated: 1 }))).toBe(
      'Hookdock got back 3 missed events and re-created the deleted subscription.',
    );
    expect(recoveryWords(report({ redelivered: 2, reenabled: 1, recovered: 1 }))).toBe(
      'Hookdock got back 1 missed event, asked for 2 failed deliveries to be sent again and re-enabled the disabled subscription.',
    );
    expect(recoveryWords(report({}))).toBe('Hookdock checked the subscription: nothing was missed.');
    expect(recoveryWords(report({ notes: ['Stripe refused the key.'] }))).toBe('Nothing could be recovered.');
  });
});

it('a recovery report pushed on the stream shows in the panel with its notes', async () => {
  const now = Date.now();
  const gap: Gap = {
    id: 'g1',
    cause: 'stopped',
    from: new Date(now - 20 * 60_000).toISOString(),
    to: new Date(now - 10 * 60_000).toISOString(),
    sources: [],
  };
  let items: Gap[] = [gap];
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
  expect(screen.queryByTestId('away-connect')).toBeNull();
  const done = report({ recovered: 2, notes: ['Stripe keeps events for 30 days.'] });
  items = [{ ...gap, recoveries: [done] }];
  await act(async () => listeners.get('connect.recovered')!({ ...done, gapId: 'g1' }));
  expect((await screen.findByTestId('away-connect')).textContent).toBe(
    'Hookdock got back 2 missed events. Stripe keeps events for 30 days.',
  );
  expect(screen.getByTestId('away-connect').closest('p')?.textContent).toMatch(/^payments: Hookdock got back/);
});

it('a connected source shows once: what Hookdock did takes the place of what to do by hand', async () => {
  const now = Date.now();
  const gap: Gap = {
    id: 'g2',
    cause: 'asleep',
    from: new Date(now - 20 * 60_000).toISOString(),
    to: new Date(now - 10 * 60_000).toISOString(),
    sources: [
      { id: 'payments', provider: 'stripe', providerPolicy: 'Stripe retries for 3 days.', recovery: 'Nothing to do.' },
      { id: 'shop', provider: 'shopify', providerPolicy: 'Shopify retries 8 times.', recovery: 'Check the webhook.' },
    ],
    recoveries: [report({ recovered: 3 })],
  };
  setApi({ listGaps: async () => ({ items: [gap] }), listen: () => () => {} } as unknown as Client);
  render(<AwayPanel />);
  const rows = await screen.findAllByRole('listitem');
  const texts = rows.map((r) => r.textContent).filter((t) => t?.startsWith('payments') || t?.startsWith('shop'));
  expect(texts).toEqual([
    'paymentsStripe retries for 3 days.Hookdock got back 3 missed events.',
    'shopShopify retries 8 times.Check the webhook.',
  ]);
  expect(screen.getAllByTestId('away-connect')).toHaveLength(1);
});
