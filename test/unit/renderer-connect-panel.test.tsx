// @vitest-environment happy-dom
// The Connect panel on a source card: the "Other event types" example names the source's
// own provider's events, and focus follows the owner when the form opens, closes, or
// Disconnect removes the managed card (the button pressed is gone each time).
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { setApi, type Client } from '../../renderer/api';
import { ConnectPanel } from '../../renderer/views/sources/ConnectPanel';

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
    fireEvent.click(screen.getByRole('button', { name: 'Change key or events' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Restricted API key'));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Change key or events' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Disconnect' })));
    view.rerender(<ConnectPanel source={source('stripe')} />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Connect with an API key' }));
  });
});
