// Follow mode, server side: events a follower has not acknowledged outlive retention.days,
// and go once it acknowledges them (the engine's retention with the followers' floor).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/types';
import { systemClock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { makeEvent, openStore } from './store-helpers';
import { ack, addFollower, sendOne, startFollowEngine, writeConfig } from './follow-server-helpers';

const DAY = 86_400_000;
let dir: string;
let engine: Engine | null;

beforeEach(async () => {
  dir = await makeTempDir();
  await writeConfig(dir, { retention: { days: 30 } });
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

describe('follow server: retention floor', () => {
  it('keeps un-acknowledged events past retention.days, and prunes them after the ack', async () => {
    let now = Date.now() - 40 * DAY;
    const clock = { ...systemClock, now: () => now };
    engine = await startFollowEngine(dir, { clock });
    const ids = [await sendOne(engine, 1), await sendOne(engine, 2), await sendOne(engine, 3)];
    const { base, token } = await addFollower(engine);
    expect(await ack(base, token, ids[0])).toBe(204);
    await engine.stop();

    now = Date.now();
    const logger = memoryLogger();
    engine = await startFollowEngine(dir, { clock, logger });
    // Retention runs at start: 40-day-old events, 30 days kept, but the follower has not acked two.
    await waitFor(() => logger.lines.some((l) => /Kept 3 events older than 30 days/.test(l)), 20_000, 'the prune');
    for (const id of ids) expect(engine.store.getEventSummary(id)).toBeDefined();
    expect((await engine.handlers.listFollowers({})).items[0].behind).toBe(2);

    expect(await ack(engine.followBase()!, token, ids[2])).toBe(204);
    await engine.handlers.updateSettings({ retention: { days: 29 } }); // a shorter retention prunes at once
    await waitFor(() => ids.every((id) => !engine!.store.getEventSummary(id)), 20_000, 'the events to be pruned');
  });

  it('store: prune keeps every segment holding an id above keepAfter, whatever its age', async () => {
    const store = await openStore(dir, { tuning: { segmentEvents: 2 } });
    const old = Date.now() - 40 * DAY;
    const events = Array.from({ length: 6 }, (_, i) => makeEvent(i, { receivedAt: new Date(old + i).toISOString() }));
    for (const e of events) await store.appendEvent(e);
    await store.checkpoint(true);
    const ids = events.map((e) => e.id);
    expect(await store.prune(30, Date.now(), { keepAfter: '' })).toMatchObject({ eventsRemoved: 0 });
    const r = await store.prune(30, Date.now(), { keepAfter: ids[3] });
    expect(r.eventsRemoved).toBe(4);
    expect(ids.map((id) => store.getEventSummary(id) !== undefined)).toEqual([false, false, false, false, true, true]);
    await store.close();
  });
});

describe('follow server: far-behind warning', () => {
  it('warns when a follower is more than 10,000 events behind, and stops once it acknowledges', async () => {
    const { FollowerBook } = await import('../../electron/engine/follow/server/followers');
    const { followersStatus } = await import('../../electron/engine/follow/server/handlers');
    const { createFollowStreams } = await import('../../electron/engine/follow/server/stream');
    const store = await openStore(dir);
    const events = Array.from({ length: 10_001 }, (_, i) => makeEvent(i));
    for (let i = 0; i < events.length; i += 1000)
      await Promise.all(events.slice(i, i + 1000).map((e) => store.appendEvent(e)));
    const book = new FollowerBook(dir, memoryLogger(), Date.now);
    await book.add('Warehouse PC');
    const deps = {
      store,
      book,
      streams: createFollowStreams({ store, logger: memoryLogger() }),
      base: () => 'http://127.0.0.1:1',
      now: Date.now,
    };
    const before = followersStatus(deps);
    expect(before.warnings).toEqual([
      'Follower "Warehouse PC" is 10,001 events behind: its events are kept until it catches up. Check that it is running, or revoke it in Settings → Followers.',
    ]);
    await book.ack(book.list()[0].id, events[1].id);
    expect(followersStatus(deps).warnings).toEqual([]);
    await store.close();
  });
});
