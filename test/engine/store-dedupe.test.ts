// Issue #10 kind 1: duplicate keys are kept at least 7 days from receipt,
// whatever retention.days says. Real store, real files in a temp dir, restarts.
import { describe, expect, it } from 'vitest';
import { DEDUPE_KEEP_MS } from '../../electron/engine/store/dedupe-keys';
import { storePerTest } from '../helpers/store-per-test';
import { makeEvent } from './store-helpers';

const DAY = 86_400_000;
const { start, opened } = storePerTest({ tuning: { segmentEvents: 4 } });

/** Event `i` received `ageDays` before `now`, with a dedupe key as the receiver sets one. */
const aged = (i: number, now: number, ageDays: number) =>
  makeEvent(i, {
    receivedAt: new Date(now - ageDays * DAY + i).toISOString(),
    dedupeKey: `order.updated | delivery-${i} | sha256:${i}`,
  });

describe('store: dedupe keys outlive pruned events for 7 days', () => {
  it('keeps the keys of events pruned after 1 day until 7 days from receipt, across a restart', async () => {
    expect(DEDUPE_KEEP_MS).toBe(7 * DAY);
    const now = Date.now();
    const a = await start();
    const twoDays: string[] = [];
    for (let i = 0; i < 4; i++) twoDays.push((await a.appendEvent(aged(i, now, 2))).id);
    const eightDays: string[] = [];
    for (let i = 10; i < 14; i++) eightDays.push((await a.appendEvent(aged(i, now, 8))).id);
    await a.checkpoint(); // sealed segments, so prune can drop them

    expect((await a.prune(1, now)).eventsRemoved).toBe(8);
    expect(a.getEventSummary(twoDays[0])).toBeUndefined();

    // A redelivery of a 2-day-old pruned event: a duplicate of the first id, nothing stored.
    const again = await a.appendEvent(aged(0, now, 0));
    expect(again).toMatchObject({ id: twoDays[0], duplicate: true });
    expect(a.getEventSummary(again.id)).toBeUndefined();
    expect(a.eventCounts(now).events).toBe(0);
    // An 8-day-old one is past the window: stored as new.
    expect((await a.appendEvent(aged(10, now, 0))).duplicate).toBe(false);
    await a.close();
    opened.pop();

    const b = await start();
    expect(await b.appendEvent(aged(1, now, 0))).toMatchObject({ id: twoDays[1], duplicate: true });
    // Different content (another key) is never a duplicate.
    expect((await b.appendEvent(aged(20, now, 0))).duplicate).toBe(false);

    // Prune again 5 days later: the keys (received 7 days before) are forgotten.
    await b.prune(1, now + 5 * DAY + 1000);
    expect((await b.appendEvent(aged(2, now, 0))).duplicate).toBe(false);
  });

  it("keeps a stored event's own dedupe key across checkpoint and restart (sidecar and journal)", async () => {
    const now = Date.now();
    const a = await start();
    const sealed: string[] = [];
    for (let i = 0; i < 5; i++) sealed.push((await a.appendEvent(aged(i, now, 0))).id);
    await a.checkpoint();
    const journalled = (await a.appendEvent(aged(9, now, 0))).id;
    await a.close();
    opened.pop();
    const b = await start();
    expect(await b.appendEvent(aged(0, now, 0))).toMatchObject({ id: sealed[0], duplicate: true });
    expect(await b.appendEvent(aged(4, now, 0))).toMatchObject({ id: sealed[4], duplicate: true });
    expect(await b.appendEvent(aged(9, now, 0))).toMatchObject({ id: journalled, duplicate: true });
    // Same providerEventId, other dedupe key (another body): a new event.
    expect((await b.appendEvent({ ...aged(0, now, 0), dedupeKey: 'other' })).duplicate).toBe(false);
  });

  it('keeps nothing extra when retention is longer than 7 days', async () => {
    const now = Date.now();
    const a = await start();
    for (let i = 0; i < 4; i++) await a.appendEvent(aged(i, now, 40));
    await a.checkpoint();
    expect((await a.prune(30, now)).eventsRemoved).toBe(4);
    expect((await a.appendEvent(aged(0, now, 0))).duplicate).toBe(false);
  });
});
