// The store's in-memory event index: ordering, cursors, dedupe, counts.
import { describe, expect, it } from 'vitest';
import { EventIndex, dedupeKey, encodeCursor } from '../../electron/engine/store/event-index';
import { eventSummary } from '../helpers/summary';

const summary = eventSummary;

describe('EventIndex', () => {
  it('lists newest first even when ids arrive out of order, and pages by cursor without gaps', () => {
    const idx = new EventIndex();
    const base = Date.now() - 100_000;
    const items = Array.from({ length: 30 }, (_, i) => summary({ at: base + i * 1000 }));
    for (const s of [...items].sort(() => Math.random() - 0.5)) idx.add(s, -1);
    const expected = items.map((s) => s.id).reverse();
    expect(idx.list({ limit: 100 }).items.map((s) => s.id)).toEqual(expected);

    const page1 = idx.list({ limit: 10 });
    // New events arrive between pages (newer), and one late-arriving older one.
    idx.add(summary({ at: Date.now() }), -1);
    const page2 = idx.list({ limit: 10, cursor: page1.nextCursor! });
    const page3 = idx.list({ limit: 10, cursor: page2.nextCursor! });
    expect([...page1.items, ...page2.items, ...page3.items].map((s) => s.id)).toEqual(expected);
    expect(page3.nextCursor).toBeNull();
    // A cursor whose event was removed still resumes at the right place.
    idx.remove(new Set([page1.items[9].id]));
    expect(idx.list({ limit: 1, cursor: encodeCursor(page1.items[9].id) }).items[0].id).toBe(page2.items[0].id);
  });

  it('dedupes non-rejected events with a provider id, first id wins, removal frees the key', () => {
    const idx = new EventIndex();
    const a = summary({ providerEventId: 'p1' });
    const b = summary({ providerEventId: 'p1' });
    idx.add(b, -1);
    idx.add(a, -1);
    expect(idx.findDuplicate(dedupeKey(a)!)).toBe(a.id < b.id ? a.id : b.id);
    expect(dedupeKey(summary({ providerEventId: 'p1', status: 'rejected' }))).toBeNull();
    expect(dedupeKey(summary({ providerEventId: null }))).toBeNull();
    expect(dedupeKey(summary({ providerEventId: 'p1', source: 'other' }))).not.toBe(dedupeKey(a));
    idx.remove(new Set([a.id, b.id]));
    expect(idx.findDuplicate(dedupeKey(a)!)).toBeUndefined();
    expect(idx.eventTypes()).toEqual([]);
  });

  it('counts today (local midnight), rejected today, and types per source (a rejected request names no type)', () => {
    const idx = new EventIndex();
    const now = Date.now();
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    idx.add(summary({ at: midnight.getTime() - 3_600_000 }), -1);
    idx.add(summary({ at: midnight.getTime() + 1, status: 'rejected', type: 'x' }), -1);
    idx.add(summary({ at: now, source: 'pay' }), -1);
    expect(idx.eventCounts(now)).toEqual({ events: 3, eventsToday: 2, rejectedToday: 1 });
    expect(idx.eventTypes().map((t) => [t.source, t.type, t.count])).toEqual([
      ['pay', 'orders/create', 1],
      ['shop', 'orders/create', 1],
    ]);
    // Removing the rejected one leaves the counts of the genuine types alone.
    const rejected = idx.list({ limit: 10, status: 'rejected' }).items[0]!;
    idx.remove(new Set([rejected.id]));
    expect(idx.eventTypes().map((t) => [t.source, t.type, t.count])).toEqual([
      ['pay', 'orders/create', 1],
      ['shop', 'orders/create', 1],
    ]);
  });

  it('filters by status and free text, case-insensitively', () => {
    const idx = new EventIndex();
    idx.add(summary({ summary: 'Refund of $5', status: 'failed' }), -1);
    idx.add(summary({ providerEventId: 'EVT_ABC' }), -1);
    expect(idx.list({ limit: 10, q: 'refund' }).items).toHaveLength(1);
    expect(idx.list({ limit: 10, q: 'evt_abc' }).items).toHaveLength(1);
    expect(idx.list({ limit: 10, status: 'failed' }).items).toHaveLength(1);
    expect(idx.list({ limit: 10, status: 'failed', q: 'evt_abc' }).items).toHaveLength(0);
  });

  it('takes the search as literal text: $, (, ., * and friends are not patterns', () => {
    const idx = new EventIndex();
    idx.add(summary({ summary: 'Order #12 (gift) — $59.00 for J. Doe' }), -1);
    idx.add(summary({ summary: 'Order 1259x00' }), -1);
    for (const q of ['$59.00', '(gift)', 'j. doe', '#12 (']) {
      expect(
        idx.list({ limit: 10, q }).items.map((s) => s.summary),
        q,
      ).toEqual(['Order #12 (gift) — $59.00 for J. Doe']);
    }
    expect(idx.list({ limit: 10, q: '.*' }).items).toHaveLength(0);
    expect(idx.list({ limit: 10, q: '  ' }).items).toHaveLength(2); // blank: no filter
  });
});
