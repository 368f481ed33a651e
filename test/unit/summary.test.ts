import { describe, expect, it } from 'vitest';
import { formatMoney, humanizeType, summarize } from '../../shared/summary';
import { allProviders } from '../../electron/engine/receiver/providers';
import { sampleSources } from '../helpers/sources';

describe('humanizeType', () => {
  it.each([
    ['orders/create', 'Order created'],
    ['orders/paid', 'Order paid'],
    ['products/update', 'Product updated'],
    ['app/uninstalled', 'App uninstalled'],
    ['inventory_levels/update', 'Inventory level updated'],
    ['charge.refunded', 'Charge refunded'],
    ['customer.subscription.updated', 'Customer subscription updated'],
    ['invoice.payment_failed', 'Invoice payment failed'],
    ['pull_request.opened', 'Pull request opened'],
    ['order.created', 'Order created'],
    ['push', 'Push'],
    ['', 'Unknown'],
  ])('%s -> %s', (type, expected) => {
    expect(humanizeType(type)).toBe(expected);
  });
});

describe('formatMoney', () => {
  it('formats major units per currency, and survives odd input', () => {
    expect(formatMoney('59.00', 'USD')).toBe('$59.00');
    expect(formatMoney(12.5, 'eur')).toBe('€12.50');
    expect(formatMoney(500, 'JPY')).toBe('¥500');
    expect(formatMoney('12', 'XXXX')).toBe('12.00 XXXX');
    expect(formatMoney('', 'USD')).toBeNull();
    expect(formatMoney('abc', 'USD')).toBeNull();
  });
});

describe('summarize: stripe (minor units)', () => {
  const ev = (type: string, object: Record<string, unknown>) => ({ id: 'evt_1', type, data: { object } });
  it('refunds, payments, customers, checkouts, invoices', () => {
    expect(
      summarize(
        'stripe',
        'charge.refunded',
        ev('charge.refunded', { object: 'charge', id: 'ch_123', amount_refunded: 1250, currency: 'eur' }),
      ),
    ).toBe('Refund of €12.50 — ch_123');
    expect(
      summarize(
        'stripe',
        'refund.created',
        ev('refund.created', { object: 'refund', id: 're_1', amount: 300, currency: 'usd', charge: 'ch_9' }),
      ),
    ).toBe('Refund of $3.00 — ch_9');
    expect(
      summarize(
        'stripe',
        'payment_intent.succeeded',
        ev('x', { object: 'payment_intent', amount: 5900, currency: 'usd', receipt_email: 'jane@example.com' }),
      ),
    ).toBe('Payment of $59.00 — jane@example.com');
    expect(
      summarize('stripe', 'charge.failed', ev('x', { object: 'charge', id: 'ch_2', amount: 1000, currency: 'jpy' })),
    ).toBe('Failed payment of ¥1,000 — ch_2');
    expect(summarize('stripe', 'charge.succeeded', ev('x', { object: 'charge', amount: 1000, currency: 'kwd' }))).toBe(
      'Payment of KWD 1.000',
    );
    expect(
      summarize('stripe', 'customer.created', ev('x', { object: 'customer', id: 'cus_1', email: 'jane@example.com' })),
    ).toBe('New customer: jane@example.com');
    expect(
      summarize(
        'stripe',
        'checkout.session.completed',
        ev('x', {
          object: 'checkout.session',
          amount_total: 5900,
          currency: 'usd',
          customer_details: { email: 'a@b.co' },
        }),
      ),
    ).toBe('Checkout of $59.00 — a@b.co');
    expect(
      summarize(
        'stripe',
        'invoice.payment_failed',
        ev('x', { object: 'invoice', amount_due: 2000, currency: 'gbp', customer_email: 'a@b.co' }),
      ),
    ).toBe('Invoice payment failed: £20.00 — a@b.co');
  });
  it('returns null without a data.object', () => {
    expect(summarize('stripe', 'charge.refunded', { id: 'evt_1' })).toBeNull();
    expect(summarize('stripe', 'charge.refunded', 'not json')).toBeNull();
  });
});

describe('summarize: shopify, woocommerce, square', () => {
  it('shopify orders, customers, products, refunds', () => {
    const order = {
      name: '#1042',
      total_price: '59.00',
      currency: 'USD',
      customer: { first_name: 'Jane', last_name: 'Doe' },
    };
    expect(summarize('shopify', 'orders/create', order)).toBe('Order #1042 — $59.00 — Jane Doe');
    expect(
      summarize('shopify', 'orders/paid', { order_number: 7, total_price: '10.50', currency: 'EUR', email: 'a@b.co' }),
    ).toBe('Order #7 — €10.50 — a@b.co');
    expect(summarize('shopify', 'customers/create', { id: 1, email: 'jane@example.com' })).toBe(
      'New customer: jane@example.com',
    );
    expect(summarize('shopify', 'products/update', { title: 'Ceramic mug', status: 'active' })).toBe(
      'Product: Ceramic mug — active',
    );
    expect(
      summarize('shopify', 'refunds/create', {
        order_id: 450789469,
        transactions: [
          { amount: '5.00', currency: 'USD' },
          { amount: '7.50', currency: 'USD' },
        ],
      }),
    ).toBe('Refund of $12.50 — order 450789469');
  });
  it('woocommerce orders and customers', () => {
    expect(
      summarize('woocommerce', 'order.created', {
        number: '1042',
        total: '59.00',
        currency: 'USD',
        billing: { first_name: 'Jane', last_name: 'Doe' },
      }),
    ).toBe('Order #1042 — $59.00 — Jane Doe');
    expect(summarize('woocommerce', 'customer.created', { email: 'jane@example.com' })).toBe(
      'New customer: jane@example.com',
    );
    expect(summarize('woocommerce', 'ping', 'webhook_id=1')).toBeNull();
  });
  it('square payments (minor units), customers, orders', () => {
    const payment = {
      data: { object: { payment: { amount_money: { amount: 5900, currency: 'USD' }, status: 'COMPLETED' } } },
    };
    expect(summarize('square', 'payment.created', payment)).toBe('Payment of $59.00 — completed');
    const customer = { data: { id: 'C1', object: { customer: { email_address: 'jane@example.com' } } } };
    expect(summarize('square', 'customer.created', customer)).toBe('New customer: jane@example.com');
    expect(
      summarize('square', 'order.updated', { data: { object: { order_updated: { order_id: 'O1', state: 'OPEN' } } } }),
    ).toBe('Order O1 — open');
  });
});

describe('summarize: github and generic senders', () => {
  it('github push, pull requests, issues, stars', () => {
    expect(summarize('github', 'push', { ref: 'refs/heads/main', pusher: { name: 'octocat' } })).toBe(
      'push to main by octocat',
    );
    expect(summarize('github', 'push', { ref: 'refs/tags/v1.2', sender: { login: 'hubot' } })).toBe(
      'push to tag v1.2 by hubot',
    );
    expect(
      summarize('github', 'pull_request.closed', {
        action: 'closed',
        number: 12,
        pull_request: { title: 'Fix totals', merged: true },
        sender: { login: 'octocat' },
      }),
    ).toBe('PR #12 merged by octocat: Fix totals');
    expect(
      summarize('github', 'issues.opened', {
        action: 'opened',
        issue: { number: 3, title: 'Bug' },
        sender: { login: 'a' },
      }),
    ).toBe('Issue #3 opened by a: Bug');
    expect(
      summarize('github', 'star.created', {
        action: 'created',
        sender: { login: 'a' },
        repository: { full_name: 'o/r' },
      }),
    ).toBe('a starred o/r');
  });
  it('standard-webhooks, hmac, none: customers, names and emails', () => {
    expect(
      summarize('standard-webhooks', 'customer.created', {
        type: 'customer.created',
        data: { email: 'jane@example.com' },
      }),
    ).toBe('New customer: jane@example.com');
    expect(summarize('hmac', 'form.submitted', { data: { name: 'Jane Doe', email: 'jane@example.com' } })).toBe(
      'Jane Doe — jane@example.com',
    );
    expect(summarize('none', 'unknown', { foo: 1 })).toBeNull();
    expect(summarize('none', 'unknown', [1, 2])).toBeNull();
  });
  it('keeps it to one bounded line', () => {
    const s = summarize('shopify', 'products/create', { title: 'A\nB' + 'x'.repeat(500) });
    expect(s).not.toContain('\n');
    expect(s!.length).toBeLessThanOrEqual(200);
  });
  it('summarizes every provider sample', () => {
    // Every sender with a fixed payload shape (hmac and none carry whatever the owner's sender posts).
    const sources = sampleSources().filter((s) => s.provider !== 'hmac' && s.provider !== 'none');
    const got = sources.map((s) => {
      const p = allProviders().find((x) => x.id === s.provider)!;
      const sample = p.sample(s, 'http://x/hooks/' + s.id, Date.now());
      const body = JSON.parse(sample.body);
      const type =
        sample.headers['x-shopify-topic'] ??
        sample.headers['x-wc-webhook-topic'] ??
        sample.headers['x-github-event'] ??
        body.type;
      return summarize(s.provider, type, body);
    });
    expect(got).toEqual([
      'Refund of €12.50 — Jane Doe — jane@example.com',
      'Order #1042 — $59.00 — Jane Doe',
      'Order #1042 — $59.00 — Jane Doe',
      'Payment of $59.00 — completed — jane@example.com',
      'push to main by octocat',
      'New customer: jane@example.com',
    ]);
  });
});
