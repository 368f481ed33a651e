// Issue #14: a webhook and Hookdock's recovered copy of the same order change meet on the
// resource key, in the store's index and, once retention pruned the first, in the kept
// keys (dedupe-keys.ts), across a restart. Webhooks never match one another by it.
import { describe, expect, it } from 'vitest';
import { storePerTest } from '../helpers/store-per-test';
import { makeEvent } from './store-helpers';

const DAY = 86_400_000;
const RESOURCE = 'shopify:orders/updated:1042:1764414000';
const { start, opened } = storePerTest({ tuning: { segmentEvents: 4 } });

/** A webhook as the receiver stores it: its own duplicate key, and the resource key beside it. */
const webhook = (i: number, receivedAt: number, resourceKey = RESOURCE) =>
  makeEvent(i, {
    receivedAt: new Date(receivedAt).toISOString(),
    dedupeKey: `orders/updated | event-${i} | sha256:${i}`,
    resourceKey,
  });
/** A recovered copy: its duplicate key is the resource key. */
const recovered = (i: number, receivedAt: number, resourceKey = RESOURCE) =>
  makeEvent(i, { receivedAt: new Date(receivedAt).toISOString(), dedupeKey: resourceKey, resourceKey });

describe('store: resource keys', () => {
  it('a recovered copy after the webhook is a duplicate of it, and so is a late webhook after a recovered copy', async () => {
    const now = Date.now();
    const s = await start();
    const first = await s.appendEvent(webhook(1, now));
    expect(first.duplicate).toBe(false);
    expect(await s.appendEvent(recovered(2, now))).toMatchObject({ id: first.id, duplicate: true });

    const other = 'woocommerce:order.created:77';
    const kept = await s.appendEvent(recovered(3, now, other));
    expect(kept.duplicate).toBe(false);
    expect(await s.appendEvent(webhook(4, now, other))).toMatchObject({ id: kept.id, duplicate: true });
    expect(await s.appendEvent(recovered(5, now, other))).toMatchObject({ id: kept.id, duplicate: true });
    expect(s.getEventSummary(kept.id)).toMatchObject({ resourceKey: other, dedupeKey: other, redeliveries: 2 });
  });

  it('two webhooks with one resource key but different deliveries are both kept (only a retry is a duplicate)', async () => {
    const now = Date.now();
    const s = await start();
    expect((await s.appendEvent(webhook(1, now))).duplicate).toBe(false);
    expect((await s.appendEvent(webhook(2, now))).duplicate).toBe(false);
    // The same two arriving at once, and their recovered copy with them: one copy is stored, not two.
    const [a, b] = await Promise.all([s.appendEvent(recovered(3, now, 'k:1')), s.appendEvent(webhook(4, now, 'k:1'))]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
  });

  it('keeps both directions 7 days after retention pruned the first, across a restart', async () => {
    const now = Date.now();
    const a = await start();
    const pruned = [
      await a.appendEvent(webhook(1, now - 2 * DAY, 'shopify:orders/create:1')),
      await a.appendEvent(recovered(2, now - 2 * DAY, 'shopify:orders/create:2')),
    ];
    for (let i = 3; i < 9; i++) await a.appendEvent(webhook(i, now - 2 * DAY, `shopify:orders/create:${i}`));
    await a.checkpoint();
    expect((await a.prune(1, now)).eventsRemoved).toBe(8); // two sealed segments of 4
    await a.close();
    opened.pop();

    const b = await start();
    expect(await b.appendEvent(recovered(11, now, 'shopify:orders/create:1'))).toMatchObject({
      id: pruned[0]!.id,
      duplicate: true,
    });
    expect(await b.appendEvent(webhook(12, now, 'shopify:orders/create:2'))).toMatchObject({
      id: pruned[1]!.id,
      duplicate: true,
    });
    // A webhook never matches a pruned webhook by its resource key: only by its own key.
    expect((await b.appendEvent(webhook(13, now, 'shopify:orders/create:3'))).duplicate).toBe(false);
  });
});
