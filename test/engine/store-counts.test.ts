// Today's counts are kept up to date incrementally once asked for (the status
// line asks twice a second under load); they must equal a full recount.
import { describe, expect, it } from 'vitest';
import { EventIndex, toSummary } from '../../electron/engine/store/event-index';
import { makeEvent } from './store-helpers';

const DAY = 86_400_000;

function recount(index: EventIndex, now: number) {
  // A fresh index over the same summaries computes the counts by a full scan.
  const fresh = new EventIndex();
  for (const s of index.list({ limit: 1000 }).items) fresh.add(s, 0);
  return fresh.eventCounts(now);
}

describe('store: event counts', () => {
  it('stay exact across adds, status changes, replacements and removals after the first call', () => {
    const now = Date.now();
    const index = new EventIndex();
    const old = toSummary(makeEvent(0, { receivedAt: new Date(now - 3 * DAY).toISOString() }));
    index.add(old, 0);
    const first = toSummary(makeEvent(1));
    index.add(first, 0);
    expect(index.eventCounts(now)).toEqual({ events: 2, eventsToday: 1, rejectedToday: 0 });

    const rejected = toSummary(makeEvent(2, { status: 'rejected' }));
    index.add(rejected, -1);
    index.add(toSummary(makeEvent(3)), -1);
    expect(index.eventCounts(now)).toEqual({ events: 4, eventsToday: 3, rejectedToday: 1 });

    index.update(first.id, { status: 'rejected' });
    index.update(rejected.id, { status: 'received' });
    index.update(old.id, { status: 'rejected' }); // not today: no change
    expect(index.eventCounts(now)).toEqual({ events: 4, eventsToday: 3, rejectedToday: 1 });
    index.update(rejected.id, { redeliveries: 2 });
    index.add({ ...first, status: 'done' }, 3); // replaced (checkpoint placing it)
    expect(index.eventCounts(now)).toEqual({ events: 4, eventsToday: 3, rejectedToday: 0 });

    index.remove(new Set([first.id, old.id]));
    expect(index.eventCounts(now)).toEqual({ events: 2, eventsToday: 2, rejectedToday: 0 });
    expect(index.eventCounts(now)).toEqual(recount(index, now));
    // A new day starts from a recount.
    expect(index.eventCounts(now + 2 * DAY)).toEqual({ events: 2, eventsToday: 0, rejectedToday: 0 });
  });
});
