// @vitest-environment happy-dom
// What a shop owner reads in a feed row, per provider: the human label of the
// type and the one-line summary drawn from the payload.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { humanizeType, summarize } from '../../shared/summary';
import type { EventSummary, ProviderId } from '../../shared/types';
import { FeedRow } from '../../renderer/views/feed/FeedRow';

afterEach(() => cleanup());

const CASES: { provider: ProviderId; type: string; payload: unknown; label: string; summary: RegExp }[] = [
  {
    provider: 'shopify',
    type: 'orders/create',
    payload: {
      name: '#1042',
      total_price: '59.00',
      currency: 'USD',
      customer: { first_name: 'Jane', last_name: 'Doe' },
    },
    label: 'Order created',
    summary: /^Order #1042 — \$59\.00 — Jane Doe$/,
  },
  {
    provider: 'stripe',
    type: 'charge.refunded',
    payload: {
      type: 'charge.refunded',
      data: { object: { object: 'charge', id: 'ch_1', amount_refunded: 2500, currency: 'usd' } },
    },
    label: 'Charge refunded',
    summary: /^Refund of \$25\.00/,
  },
  {
    provider: 'stripe',
    type: 'refund.created',
    payload: { data: { object: { object: 'refund', id: 're_1', amount: 5900, currency: 'eur', charge: 'ch_9' } } },
    label: 'Refund created',
    summary: /^Refund of €59\.00/,
  },
  {
    provider: 'woocommerce',
    type: 'order.created',
    payload: {
      id: 77,
      number: '77',
      total: '12.50',
      currency: 'GBP',
      billing: { first_name: 'Ann', last_name: 'Lee' },
    },
    label: 'Order created',
    summary: /^Order #77 — £12\.50 — Ann Lee$/,
  },
  {
    provider: 'square',
    type: 'payment.created',
    payload: {
      data: { object: { payment: { amount_money: { amount: 1999, currency: 'USD' }, status: 'COMPLETED' } } },
    },
    label: 'Payment created',
    summary: /^Payment of \$19\.99 — completed/,
  },
  {
    provider: 'github',
    type: 'pull_request.opened',
    payload: { action: 'opened', number: 12, pull_request: { title: 'Fix checkout' }, sender: { login: 'octo' } },
    label: 'Pull request opened',
    summary: /^PR #12 opened by octo: Fix checkout$/,
  },
  {
    provider: 'standard-webhooks',
    type: 'customer.created',
    payload: { type: 'customer.created', data: { email: 'new@shop.test' } },
    label: 'Customer created',
    summary: /^New customer: new@shop\.test$/,
  },
];

function summaryEvent(c: (typeof CASES)[number], i: number): EventSummary {
  return {
    id: `evt_${i}`,
    source: `src-${c.provider}`,
    provider: c.provider,
    type: c.type,
    status: 'done',
    receivedAt: new Date().toISOString(),
    providerEventId: null,
    verification: { ok: true, reason: null },
    summary: summarize(c.provider, c.type, c.payload),
    sizeBytes: 100,
    redeliveries: 0,
    replayOf: null,
  };
}

describe('feed row summary per provider', () => {
  CASES.forEach((c, i) => {
    it(`${c.provider} ${c.type}: "${c.label}"`, () => {
      const event = summaryEvent(c, i);
      expect(event.summary).toMatch(c.summary);
      const { container } = render(
        <FeedRow event={event} ran={[]} active={false} index={0} onFocusRow={() => undefined} />,
      );
      const row = container.querySelector<HTMLAnchorElement>('.feed-row')!;
      expect(row.querySelector('.feed-label')!.textContent).toBe(c.label);
      expect(row.querySelector('.feed-summary')!.textContent).toBe(event.summary);
      expect(row.querySelector('.feed-type')!.textContent).toBe(c.type);
      // The provider's mark is named for screen readers, and the row reads as a sentence.
      expect(row.querySelector('[role="img"]')!.getAttribute('aria-label')).toBeTruthy();
      expect(row.getAttribute('aria-label')).toContain(`${c.label}, ${event.summary}, from src-${c.provider}, Done`);
      expect(row.getAttribute('href')).toBe(`#/events/evt_${i}`);
    });
  });

  it('shows a rejected event with the reason instead of what ran', () => {
    const event = {
      ...summaryEvent(CASES[0], 99),
      status: 'rejected' as const,
      verification: { ok: false, reason: 'The Shopify signature did not match.' },
    };
    const { container } = render(
      <FeedRow
        event={event}
        ran={[{ automationId: 'x', status: 'succeeded' }]}
        active
        index={0}
        onFocusRow={() => undefined}
      />,
    );
    expect(container.querySelector('.status-pill')!.textContent).toBe('Rejected');
    // Marked unverified, never summarised like a real order; the reason in full, also in the row's name.
    expect(container.querySelector('.unverified-tag')!.textContent).toBe('Unverified — may not be from Shopify');
    expect(container.querySelector('.rejected-reason')!.textContent).toBe('The Shopify signature did not match.');
    expect(container.querySelector('.feed-summary')!.textContent).not.toContain(event.summary ?? '\u0000');
    expect(container.querySelector('.feed-ran')).toBeNull();
    const described = container.querySelector('.feed-row')!.getAttribute('aria-describedby')!;
    expect(document.getElementById(described)!.textContent).toBe('The Shopify signature did not match.');
  });

  it('says what ran next to the status', () => {
    const event = summaryEvent(CASES[1], 7);
    const { container } = render(
      <FeedRow
        event={event}
        index={0}
        ran={[
          { automationId: 'refund-alert', status: 'failed' },
          { automationId: 'crm', status: 'succeeded' },
        ]}
        active
        onFocusRow={() => undefined}
      />,
    );
    expect(container.querySelector('.feed-ran')!.textContent).toBe('refund-alert failed +1');
    expect(container.querySelector<HTMLElement>('.feed-row')!.tabIndex).toBe(0);
  });

  it('labels types in plain words, with a fallback for nothing', () => {
    expect(humanizeType('orders/create')).toBe('Order created');
    expect(humanizeType('customer.subscription.deleted')).toBe('Customer subscription deleted');
    expect(humanizeType('')).toBe('Unknown');
    expect(summarize('none', 'unknown', 'plain text body')).toBeNull();
  });
});
