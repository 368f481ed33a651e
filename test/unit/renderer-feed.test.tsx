// @vitest-environment happy-dom
// The feed's virtualization (100,000 events, only the visible rows in the DOM,
// pages fetched near the end) and its live-merge rules.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventSummary } from '../../shared/types';
import { FeedList, ROW_HEIGHT } from '../../renderer/views/feed/FeedList';
import {
  NO_FILTERS,
  addCreated,
  appendPage,
  applyUpdated,
  flushPending,
  matchesFilters,
  addFound,
  firstPage,
  needsServerSearch,
  type FeedState,
} from '../../renderer/views/feed/feedModel';

const VIEWPORT = 600;

function ev(i: number, over: Partial<EventSummary> = {}): EventSummary {
  return {
    id: `evt_${i}`,
    source: i % 2 ? 'shop' : 'payments',
    provider: i % 2 ? 'shopify' : 'stripe',
    type: i % 2 ? 'orders/create' : 'charge.refunded',
    status: 'done',
    receivedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    providerEventId: `p_${i}`,
    verification: { ok: true, reason: null },
    summary: i % 2 ? `Order #${i} — $59.00` : `Refund of $${i}.00`,
    sizeBytes: 200,
    redeliveries: 0,
    replayOf: null,
    ...over,
  };
}

beforeAll(() => {
  // happy-dom does no layout: give the scroll area (and each row) a real size.
  const size = (el: HTMLElement, full: number, row: number) => (el.classList.contains('feed-scroll') ? full : row);
  for (const [prop, full, row] of [
    ['clientHeight', VIEWPORT, ROW_HEIGHT],
    ['offsetHeight', VIEWPORT, ROW_HEIGHT],
    ['clientWidth', 1000, 1000],
    ['offsetWidth', 1000, 1000],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return size(this, full, row);
      },
    });
  }
});

afterEach(() => cleanup());

const many = Array.from({ length: 100_000 }, (_, i) => ev(100_000 - i));

function renderList(items: EventSummary[], loadMore = vi.fn(), hasMore = false) {
  return render(
    <FeedList
      items={items}
      hasMore={hasMore}
      loadingMore={false}
      loadMore={loadMore}
      ranFor={() => []}
      onAtTopChange={() => undefined}
      scrollToTopSignal={0}
      initialHeight={VIEWPORT}
    />,
  );
}

describe('feed virtualization', () => {
  it('keeps only the visible rows of 100,000 events in the DOM', () => {
    const t0 = performance.now();
    const { container } = renderList(many);
    const firstRender = performance.now() - t0;
    const rows = container.querySelectorAll('.feed-row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    const inner = container.querySelector<HTMLElement>('.feed-inner')!;
    expect(inner.style.height).toBe(`${100_000 * ROW_HEIGHT}px`);
    expect((rows[0] as HTMLElement).dataset.eventId).toBe('evt_100000');
    expect(rows[0].textContent).toContain('Charge refunded');
    expect(rows[0].textContent).toContain('Refund of $100000.00');
    expect(firstRender).toBeLessThan(1000);
  });

  it('renders other rows after scrolling, still only a window of them', async () => {
    const { container } = renderList(many);
    const scroller = container.querySelector<HTMLElement>('.feed-scroll')!;
    await act(async () => {
      scroller.scrollTop = 50_000 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
      await new Promise((r) => setTimeout(r, 50));
    });
    const rows = [...container.querySelectorAll<HTMLElement>('.feed-row')];
    expect(rows.length).toBeLessThan(40);
    const ids = rows.map((r) => Number(r.dataset.eventId!.slice(4)));
    // Row index 50,000 holds evt_50000 (newest first from 100,000).
    expect(ids).toContain(50_000);
    expect(ids.some((id) => id > 99_000)).toBe(false);
  });

  it('asks for the next page when the end comes into view', () => {
    const loadMore = vi.fn();
    renderList(many.slice(0, 10), loadMore, true);
    expect(loadMore).toHaveBeenCalled();
    const far = vi.fn();
    renderList(many.slice(0, 500), far, true);
    expect(far).not.toHaveBeenCalled();
  });

  it('moves between rows with the arrow keys (one tab stop for the list)', async () => {
    const { container } = renderList(many.slice(0, 50));
    const rows = () => [...container.querySelectorAll<HTMLElement>('.feed-row')];
    expect(rows().filter((r) => r.tabIndex === 0)).toHaveLength(1);
    const scroller = container.querySelector<HTMLElement>('.feed-scroll')!;
    await act(async () => {
      fireEvent.keyDown(scroller, { key: 'ArrowDown' });
      await new Promise((r) => setTimeout(r, 30));
    });
    const active = rows().find((r) => r.tabIndex === 0)!;
    expect(active.dataset.eventId).toBe(many[1].id);
  });
});

describe('live merge', () => {
  const base: FeedState = { items: [ev(2), ev(1)], pending: [], nextCursor: 'c1' };

  it('keeps an event pushed while the first page was fetched (the page replaced it before)', () => {
    // The page was made before evt_4 arrived; evt_4 came live in between; evt_9 was held back.
    const cur: FeedState = { items: [ev(4), ev(2)], pending: [ev(9)], nextCursor: null };
    const next = firstPage(cur, [ev(3), ev(2), ev(1)], 'c2', NO_FILTERS);
    expect(next.items.map((e) => e.id)).toEqual(['evt_4', 'evt_3', 'evt_2', 'evt_1']);
    expect(next.pending.map((e) => e.id)).toEqual(['evt_9']);
    expect(next.nextCursor).toBe('c2');
    // Rows of the filters before, older than the page or not matching the new ones, go.
    const filtered = firstPage(cur, [ev(3)], null, { ...NO_FILTERS, status: 'rejected' });
    expect(filtered.items.map((e) => e.id)).toEqual(['evt_3']);
  });

  it('puts a new event on top when watching, behind the pill when not', () => {
    expect(addCreated(base, ev(3), NO_FILTERS, false).items.map((e) => e.id)).toEqual(['evt_3', 'evt_2', 'evt_1']);
    const held = addCreated(base, ev(3), NO_FILTERS, true);
    expect(held.items).toHaveLength(2);
    expect(held.pending.map((e) => e.id)).toEqual(['evt_3']);
    expect(flushPending(held).items.map((e) => e.id)).toEqual(['evt_3', 'evt_2', 'evt_1']);
  });

  it('skips events the filters exclude, and updates rows in place', () => {
    expect(addCreated(base, ev(4), { ...NO_FILTERS, source: 'shop' }, false)).toBe(base);
    const updated = applyUpdated(base, { ...ev(1), status: 'failed' });
    expect(updated.items[1].status).toBe('failed');
    expect(updated.items.map((e) => e.id)).toEqual(['evt_2', 'evt_1']);
    expect(applyUpdated(base, ev(99))).toBe(base);
  });

  it('never shows a row twice when a page overlaps pushed events', () => {
    const next = appendPage(base, [ev(1), ev(0)], null);
    expect(next.items.map((e) => e.id)).toEqual(['evt_2', 'evt_1', 'evt_0']);
    expect(next.nextCursor).toBeNull();
  });

  it('matches search words against type, summary, source and ids', () => {
    const e = ev(1043);
    expect(matchesFilters(e, { ...NO_FILTERS, q: 'order 1043' })).toBe(true);
    expect(matchesFilters(e, { ...NO_FILTERS, q: 'SHOP' })).toBe(true);
    expect(matchesFilters(e, { ...NO_FILTERS, q: 'refund' })).toBe(false);
    expect(matchesFilters(e, { ...NO_FILTERS, status: 'failed' })).toBe(false);
    expect(matchesFilters(e, { ...NO_FILTERS, type: 'orders/create' })).toBe(true);
  });

  it('folds accents as the server does, and asks the server when the words may be in the payload', () => {
    const maria = ev(1041, { summary: 'Order #1041 — €12.00 — María José Núñez' });
    expect(matchesFilters(maria, { ...NO_FILTERS, q: 'maria nunez' })).toBe(true);
    expect(matchesFilters(maria, { ...NO_FILTERS, q: 'MARÍA' })).toBe(true);
    // Only in the payload (an email, a note): the dashboard cannot tell, the server can.
    expect(needsServerSearch(maria, { ...NO_FILTERS, q: 'maria@example.es' })).toBe(true);
    expect(needsServerSearch(maria, { ...NO_FILTERS, q: 'maria' })).toBe(false); // already matched here
    expect(needsServerSearch(maria, { ...NO_FILTERS })).toBe(false); // no words
    expect(needsServerSearch(maria, { ...NO_FILTERS, q: 'x', source: 'payments' })).toBe(false); // other source
    // A rejected request's payload is never searched (it is unverified).
    expect(needsServerSearch({ ...maria, status: 'rejected' }, { ...NO_FILTERS, q: 'maria@example.es' })).toBe(false);
  });

  it('adds what the server found above the top row, once, or holds it back', () => {
    const found = addFound(base, [ev(4), ev(3), ev(2), ev(1)], false);
    expect(found.items.map((e) => e.id)).toEqual(['evt_4', 'evt_3', 'evt_2', 'evt_1']);
    expect(addFound(found, [ev(4), ev(3)], false)).toBe(found);
    const held = addFound(base, [ev(3)], true);
    expect(held.pending.map((e) => e.id)).toEqual(['evt_3']);
    expect(held.items).toBe(base.items);
  });
});
