// @vitest-environment happy-dom
// The Connect panel on a source card: the "Other event types" example names the source's
// own provider's events, and focus follows the owner when the form opens, closes, or
// Disconnect removes the managed card (the button pressed is gone each time); Disconnect asks
// first, saying what stops; and the
// card's status line does not say "managed by Hookdock" when Connect failed or when the
// source still has no signing secret (every webhook would be refused).
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { setApi, type Client } from '../../renderer/api';
import { ConnectPanel } from '../../renderer/views/sources/ConnectPanel';
import { SourceForm } from '../../renderer/views/sources/SourceForm';
import { SourceStatus, sourceStatus } from '../../renderer/views/sources/SourcesView';

type Source = PublicConfig['sources'][number];
const source = (provider: Source['provider'], connected = false) =>
  ({
    id: 'x',
    name: 'X',
    provider,
    hasSecret: true,
    ...(connected ? { connect: { hasCredential: true, credential: '••••••••', events: ['charge.refunded'] } } : {}),
    managed: connected
      ? { state: 'active', subscriptionId: 'we_1', url: 'https://h.example/hooks/x', lastCheckedAt: null }
      : null,
  }) as unknown as Source;

afterEach(() => {
  cleanup();
  setApi(null);
});

describe('Connect panel', () => {
  it.each([
    ['shopify', 'customers/create, products/update'],
    ['woocommerce', 'product.created, coupon.created'],
    ['github', 'star, fork'],
    ['square', 'refund.updated, invoice.payment_made'],
    ['stripe', 'invoice.upcoming, refund.created'],
  ] as const)('the other event types example of %s is in its own names', (provider, example) => {
    render(<ConnectPanel source={source(provider)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Connect with an API key' }));
    expect(screen.getByLabelText('Other event types (optional)').getAttribute('placeholder')).toBe(example);
  });

  it('moves focus to the credential when the form opens and back to the button when it is cancelled', () => {
    render(<ConnectPanel source={source('stripe')} />);
    fireEvent.click(screen.getByRole('button', { name: 'Connect with an API key' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Restricted API key'));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Connect with an API key' }));
  });

  it('after "Change key or events" focus is in the form; after Disconnect on "Connect with an API key"', async () => {
    const connected = source('stripe', true);
    setApi({ saveSource: async () => ({ sources: [source('stripe')] }) } as unknown as Client);
    const view = render(<ConnectPanel source={connected} />);
    expect(screen.getByRole('button', { name: 'Change key or events' }).className).not.toContain('btn-primary');
    fireEvent.click(screen.getByRole('button', { name: 'Change key or events' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Restricted API key'));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Change key or events' }));
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    await act(async () =>
      fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disconnect' })),
    );
    view.rerender(<ConnectPanel source={source('stripe')} />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Connect with an API key' }));
  });
});

it('Disconnect asks first, saying what stops, and disconnects only when confirmed', async () => {
  const saved: unknown[] = [];
  setApi({
    saveSource: async (s: unknown) => {
      saved.push(s);
      return { sources: [source('stripe')] };
    },
  } as unknown as Client);
  render(<ConnectPanel source={source('stripe', true)} />);
  fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
  const dialog = screen.getByRole('dialog');
  expect(within(dialog).getByTestId('disconnect-consequence').textContent).toContain(
    'Stripe stops sending events to this source',
  );
  fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
  expect(saved).toEqual([]);
  fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
  await act(async () =>
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disconnect' })),
  );
  expect(saved).toEqual([expect.objectContaining({ id: 'x', connect: null })]);
});

it('"Change key or events" after a refused key keeps the sentence saying what to create, and what was saved', () => {
  const refused = 'Stripe refused the key: create a restricted key with "Webhook Endpoints: write".';
  const failed = {
    ...source('stripe', true),
    managed: { state: 'error', error: refused, subscriptionId: null, url: null, lastCheckedAt: null },
  } as unknown as Source;
  render(<ConnectPanel source={failed} />);
  expect(screen.getByRole('button', { name: 'Change key or events' }).className).toContain('btn-primary');
  fireEvent.click(screen.getByRole('button', { name: 'Change key or events' }));
  expect(screen.getByTestId('connect-form-problem').textContent).toBe(refused);
  expect(screen.getByText(/Leave this empty to try the saved one again/)).toBeTruthy();
  expect((screen.getByRole('checkbox', { name: 'charge.refunded' }) as HTMLInputElement).checked).toBe(true);
  expect((screen.getByLabelText('Restricted API key') as HTMLInputElement).value).toBe('');
});

describe("a source card's status line", () => {
  const card = (s: Partial<Source>) => ({ ...source('shopify'), ...s }) as Source;
  const managed = (state: string) => ({ state, subscriptionId: null, url: null, lastCheckedAt: null });
  const connect = { hasCredential: true, events: ['orders/create'] };
  it('says Connect needs attention when it failed, not "managed by Hookdock"', () => {
    expect(sourceStatus(card({ connect, managed: managed('error') } as Partial<Source>))).toBe('attention');
    render(<SourceStatus source={card({ connect, managed: managed('error') } as Partial<Source>)} />);
    expect(screen.getByTestId('connect-attention').textContent).toContain('Connect needs attention');
  });
  it('says a connected source without its signing secret is waiting for it, once Connect is done', () => {
    const noSecret = { connect, hasSecret: false };
    expect(sourceStatus(card({ ...noSecret, managed: managed('active') } as Partial<Source>))).toBe('waiting');
    expect(sourceStatus(card({ ...noSecret, managed: managed('connecting') } as Partial<Source>))).toBe('managed');
    expect(sourceStatus(card({ ...noSecret, managed: null } as Partial<Source>))).toBe('managed');
  });
  it('keeps the words of a source set up by hand and of a managed one', () => {
    expect(sourceStatus(card({ connect, managed: managed('active') } as Partial<Source>))).toBe('managed');
    expect(sourceStatus(card({}))).toBe('saved');
    expect(sourceStatus(card({ hasSecret: false }))).toBe('waiting');
    expect(sourceStatus(card({ provider: 'none', hasSecret: false }))).toBe('unsigned');
  });
});

it("a connected Shopify source's form asks for the app's API secret key, not a webhook list's signing key", () => {
  const connected = {
    ...source('shopify', true),
    hasSecret: false,
    connect: { hasCredential: true, events: ['orders/paid'], account: 'my-shop.myshopify.com' },
  } as unknown as Source;
  const view = render(<SourceForm existing={connected} takenIds={[]} onSaved={() => {}} onCancel={() => {}} />);
  const input = view.getByLabelText("App's API secret key");
  const hint = view.container.querySelector(`#${CSS.escape(input.getAttribute('aria-describedby')!)}`);
  expect(hint?.textContent).toContain('Develop apps > the app you connected with > API credentials');
  expect(view.container.textContent).not.toContain('under the webhook list');
  cleanup();
  // Set up by hand, it reads as before.
  const byHand = render(
    <SourceForm
      existing={{ ...source('shopify'), hasSecret: false }}
      takenIds={[]}
      onSaved={() => {}}
      onCancel={() => {}}
    />,
  );
  expect(byHand.getByLabelText('Webhook signing key (you can add it later)')).toBeTruthy();
});
