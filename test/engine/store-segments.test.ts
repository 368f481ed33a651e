// Segment sealing against real files: the "a day old" rule counts from when a
// segment was opened (wall clock), never from its events' receive times, so a
// bulk import of old events fills segments normally.
import { describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../../electron/engine/util/clock';
import { storePerTest } from '../helpers/store-per-test';
import { makeEvent } from './store-helpers';

const DAY = 86_400_000;
const stores = storePerTest({}, { ignoreCloseErrors: true });
const start = stores.start;

/** Events per segment file, in seq order, read from the sidecars. */
async function segmentSizes(): Promise<{ events: number; sealed: boolean }[]> {
  const segDir = path.join(stores.dir, 'store', 'segments');
  const names = (await fsp.readdir(segDir)).filter((n) => /^events-\d+\.idx\.json$/.test(n)).sort();
  const out: { events: number; sealed: boolean }[] = [];
  for (const n of names) {
    const side = JSON.parse(await fsp.readFile(path.join(segDir, n), 'utf8')) as { events: unknown[]; sealed: boolean };
    out.push({ events: side.events.length, sealed: side.sealed });
  }
  return out;
}

const backdated = (i: number, daysAgo: number) =>
  makeEvent(i, { receivedAt: new Date(Date.now() - daysAgo * DAY + i * 1000).toISOString() });

describe('store: segment sealing', () => {
  it('a bulk import of events received days ago fills whole segments, not one per event', async () => {
    const a = await start({ tuning: { segmentEvents: 10 } });
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(Array.from({ length: 7 }, (_, j) => a.appendEvent(backdated(batch * 7 + j, 10))));
      await a.checkpoint();
    }
    await a.close();
    expect(await segmentSizes()).toEqual([
      { events: 10, sealed: true },
      { events: 10, sealed: true },
      { events: 10, sealed: true },
      { events: 5, sealed: false },
    ]);
    const b = await start({ tuning: { segmentEvents: 10 } });
    expect(b.eventCounts(Date.now()).events).toBe(35);
  });

  it('seals a segment a day after it was opened, by the clock, also across a restart', async () => {
    let now = Date.now();
    const clock: Clock = { ...systemClock, now: () => now };
    const a = await start({ clock, tuning: { segmentEvents: 100 } });
    // Received long ago, written now: the segment is young.
    for (let i = 0; i < 3; i++) await a.appendEvent(backdated(i, 10));
    await a.close();
    now += 2 * 3_600_000;
    const b = await start({ clock, tuning: { segmentEvents: 100 } });
    await b.appendEvent(backdated(3, 10));
    await b.checkpoint();
    expect(await segmentSizes()).toEqual([{ events: 4, sealed: false }]);
    now += DAY;
    const late = await b.appendEvent(makeEvent(4, { receivedAt: new Date(now).toISOString() }));
    await b.checkpoint();
    expect(await segmentSizes()).toEqual([
      { events: 4, sealed: true },
      { events: 1, sealed: false },
    ]);
    expect((await b.getEvent(late.id))?.id).toBe(late.id);
  });

  it('writes segment files with the current status of each event, and reads them back whole', async () => {
    const a = await start({ tuning: { segmentEvents: 100 } });
    const plain = makeEvent(1);
    const changed = makeEvent(2);
    await a.appendEvent(plain);
    await a.appendEvent(changed);
    await a.setEventStatus(changed.id, 'done');
    await a.appendEvent(makeEvent(2, { id: undefined })); // a redelivery of the same provider event
    expect(await a.getEvent(changed.id)).toMatchObject({ status: 'done', redeliveries: 1, payload: changed.payload });
    await a.checkpoint();
    const file = JSON.parse(
      await fsp.readFile(path.join(stores.dir, 'store', 'segments', 'events-000001.json'), 'utf8'),
    ) as {
      seq: number;
      events: { id: string; status: string; redeliveries: number }[];
    };
    expect(file.seq).toBe(1);
    expect(file.events.map((e) => [e.id, e.status, e.redeliveries])).toEqual([
      [plain.id, 'received', 0],
      [changed.id, 'done', 1],
    ]);
    expect(file.events[0]).toEqual({ ...plain });
    await a.close();
    const b = await start();
    expect(await b.getEvent(changed.id)).toMatchObject({
      status: 'done',
      redeliveries: 1,
      body: changed.body,
      headers: changed.headers,
    });
  });
});
