// The durable store against real files in a temp dir. "Restart" = close() then
// a new createStore on the same folder; "crash" = a new store opened without
// closing the old one (nothing checkpointed, the journal is all there is).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { StoreWriteError, type Store } from '../../electron/engine/store';
import { makeEvent, openStore, tempDir } from './store-helpers';

let dir: string;
let cleanup: () => Promise<void>;
const open: Store[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
  await cleanup();
});

async function start(extra: Parameters<typeof openStore>[1] = {}) {
  const s = await openStore(dir, extra);
  open.push(s);
  return s;
}

describe('store: events', () => {
  it('appends, gets, lists newest first with filters, search and cursor pages', async () => {
    const store = await start();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const ev = makeEvent(i, {
        source: i % 2 ? 'shop' : 'payments',
        type: i % 5 === 0 ? 'refund.created' : 'orders/create',
        status: i === 7 ? 'rejected' : 'received',
      });
      const r = await store.appendEvent(ev);
      expect(r).toMatchObject({ id: ev.id, duplicate: false });
      ids.push(ev.id);
    }
    const got = await store.getEvent(ids[3]);
    expect(got?.body).toEqual({ text: expect.stringContaining('"n":3') });
    expect(got?.headers['x-shopify-topic']).toBe('orders/create');
    expect(await store.getEvent('evt_nope')).toBeUndefined();

    const all = store.listEvents({ limit: 100 });
    expect(all.items.map((s) => s.id)).toEqual([...ids].reverse());
    expect(all.nextCursor).toBeNull();
    expect(all.items[0]).not.toHaveProperty('body');

    expect(store.listEvents({ limit: 100, source: 'payments' }).items).toHaveLength(13);
    expect(store.listEvents({ limit: 100, type: 'refund.created' }).items).toHaveLength(5);
    expect(store.listEvents({ limit: 100, status: 'rejected' }).items.map((s) => s.id)).toEqual([ids[7]]);
    expect(store.listEvents({ limit: 100, q: 'ORDER #12' }).items.map((s) => s.id)).toEqual([ids[12]]);
    expect(store.listEvents({ limit: 100, q: 'pe-2' }).items).toHaveLength(6); // pe-2, pe-20..24

    // Pages of 10 cover everything exactly once, even with inserts between pages.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const p = store.listEvents({ limit: 10, cursor });
      seen.push(...p.items.map((s) => s.id));
      if (page === 0) await store.appendEvent(makeEvent(100));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());

    const counts = store.eventCounts(Date.now());
    expect(counts).toEqual({ events: 26, eventsToday: 26, rejectedToday: 1 });
    const types = store.eventTypes();
    expect(types.find((t) => t.source === 'payments' && t.type === 'refund.created')?.count).toBe(3);
    // The one rejected request (a stranger picks its type) is left out of the type lists.
    expect(types.reduce((n, t) => n + t.count, 0)).toBe(25);
  });

  it('keeps every acknowledged event across a crash (journal only) and a clean restart (checkpointed)', async () => {
    const a = await start({ tuning: { segmentEvents: 10 } });
    const ids = (await Promise.all(Array.from({ length: 35 }, (_, i) => a.appendEvent(makeEvent(i))))).map((r) => r.id);
    await a.setEventStatus(ids[0], 'done');
    // Crash: no close, so nothing has been checkpointed.
    const b = await start({ tuning: { segmentEvents: 10 } });
    expect(b.listEvents({ limit: 100 }).items).toHaveLength(35);
    expect(b.getEventSummary(ids[0])?.status).toBe('done');
    await b.close();
    const segs = await fsp.readdir(path.join(dir, 'store', 'segments'));
    expect(segs.filter((n) => /^events-\d+\.json$/.test(n)).length).toBe(4); // 10+10+10+5
    expect((await fsp.stat(path.join(dir, 'store', 'journal.log'))).size).toBe(0);
    const c = await start({ tuning: { segmentEvents: 10 } });
    expect(c.listEvents({ limit: 100 }).items.map((s) => s.id)).toEqual([...ids].sort().reverse());
    for (const id of [ids[0], ids[15], ids[34]]) expect((await c.getEvent(id))?.id).toBe(id);
    expect(c.getEventSummary(ids[0])?.status).toBe('done');
  });

  it('drops a torn last journal line and keeps everything before it', async () => {
    const a = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    const journal = path.join(dir, 'store', 'journal.log');
    const goodSize = (await fsp.stat(journal)).size;
    await fsp.appendFile(journal, '{"t":"ev","e":{"id":"evt_torn","source":"sh');
    const b = await start();
    expect(b.listEvents({ limit: 10 }).items.map((s) => s.id)).toEqual([...ids].reverse());
    expect((await fsp.stat(journal)).size).toBe(goodSize);
    const more = await b.appendEvent(makeEvent(99));
    const c = await start();
    expect(c.getEventSummary(more.id)).toBeDefined();
    expect(c.eventCounts(Date.now()).events).toBe(6);
  });

  it('replays a journal left by a crash mid-checkpoint without doubling anything', async () => {
    const a = await start({ tuning: { segmentEvents: 4 } });
    const first = await a.appendEvent(makeEvent(1));
    for (let i = 2; i < 10; i++) await a.appendEvent(makeEvent(i));
    await a.appendEvent(makeEvent(1)); // redelivery -> redeliveries 1
    await a.collection<{ id: string; n: number }>('jobs').put({ id: 'job_a', n: 1 });
    const journalCopy = await fsp.readFile(path.join(dir, 'store', 'journal.log'));
    await a.close(); // checkpoints, then deletes the journal's content
    // As if the crash came after the segments were written but before the rotated journal was deleted.
    await fsp.writeFile(path.join(dir, 'store', 'journal-00000007.log'), journalCopy);
    const b = await start({ tuning: { segmentEvents: 4 } });
    expect(b.eventCounts(Date.now()).events).toBe(9);
    expect(b.getEventSummary(first.id)?.redeliveries).toBe(1);
    expect(b.collection('jobs').size).toBe(1);
    await b.close();
    const c = await start({ tuning: { segmentEvents: 4 } });
    expect(c.eventCounts(Date.now()).events).toBe(9);
    expect(await fsp.readdir(path.join(dir, 'store'))).not.toContain('journal-00000007.log');
  });

  it('quarantines a corrupt segment, reports it, and still loads the rest', async () => {
    const a = await start({ tuning: { segmentEvents: 5 } });
    const ids: string[] = [];
    for (let i = 0; i < 17; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    await a.close();
    const segDir = path.join(dir, 'store', 'segments');
    await fsp.writeFile(path.join(segDir, 'events-000002.json'), '{"seq":2,"events":[{"id":');
    const b = await start({ tuning: { segmentEvents: 5 } });
    const h = b.health();
    expect(h.quarantined.map((q) => path.basename(q.file))).toContain('events-000002.json');
    expect((await fsp.readdir(path.join(dir, 'quarantine'))).some((n) => n.endsWith('-events-000002.json'))).toBe(true);
    expect(b.eventCounts(Date.now()).events).toBe(12);
    expect((await b.getEvent(ids[0]))?.id).toBe(ids[0]);
    expect((await b.getEvent(ids[16]))?.id).toBe(ids[16]);
    expect(b.getEventSummary(ids[7])).toBeUndefined();
    expect(b.logs.lines.some((l) => l.includes('ERROR') && l.includes('could not read'))).toBe(true);
    // Still writable after a quarantine.
    expect((await b.appendEvent(makeEvent(50))).duplicate).toBe(false);
  });

  it('quarantines a corrupt collection file and keeps the other collections', async () => {
    const a = await start();
    await a.collection('runs').put({ id: 'run_1' });
    await a.collection('meta').put({ id: 'settings' });
    await a.close();
    await fsp.writeFile(path.join(dir, 'store', 'collections', 'runs.misc.json'), 'not json');
    const b = await start();
    expect(b.collection('meta').get('settings')).toEqual({ id: 'settings' });
    expect(b.collection('runs').size).toBe(0);
    expect(b.health().quarantined).toHaveLength(1);
  });
});

describe('store: dedupe, status, collections', () => {
  it('deduplicates by (source, providerEventId), counts redeliveries, and keeps both across restart', async () => {
    const a = await start({ tuning: { segmentEvents: 3 } });
    const first = await a.appendEvent(makeEvent(1));
    // Concurrent redeliveries of the same provider event: one stored, every other one counted.
    const again = await Promise.all([1, 1, 1].map((n) => a.appendEvent(makeEvent(n))));
    expect(again.every((r) => r.duplicate && r.id === first.id)).toBe(true);
    const otherSource = await a.appendEvent(makeEvent(1, { source: 'payments' }));
    expect(otherSource.duplicate).toBe(false);
    const rejected = await a.appendEvent(makeEvent(1, { status: 'rejected' }));
    expect(rejected.duplicate).toBe(false);
    const noId = await Promise.all([0, 0].map(() => a.appendEvent(makeEvent(2, { providerEventId: null }))));
    expect(noId.every((r) => !r.duplicate)).toBe(true);
    const racing = await Promise.all([5, 5, 5, 5].map((n) => a.appendEvent(makeEvent(n))));
    expect(racing.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(racing.map((r) => r.id)).size).toBe(1);
    expect(a.getEventSummary(first.id)?.redeliveries).toBe(3);
    expect(a.getEventSummary(racing[0].id)?.redeliveries).toBe(3);
    expect(a.eventCounts(Date.now()).events).toBe(6);
    await a.close();
    const b = await start({ tuning: { segmentEvents: 3 } });
    expect(b.getEventSummary(first.id)?.redeliveries).toBe(3);
    expect((await b.getEvent(first.id))?.redeliveries).toBe(3);
    expect((await b.appendEvent(makeEvent(1))).id).toBe(first.id);
    expect(b.eventCounts(Date.now()).events).toBe(6);
  });

  it('persists status changes on events in sealed segments, with and without a checkpoint', async () => {
    const a = await start({ tuning: { segmentEvents: 5 } });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    await a.close(); // seals segments 1 and 2
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(await b.setEventStatus(ids[1], 'done')).toMatchObject({ id: ids[1], status: 'done' });
    expect(await b.setEventStatus('evt_unknown', 'done')).toBeUndefined();
    // crash: journal only
    const c = await start({ tuning: { segmentEvents: 5 } });
    expect(c.getEventSummary(ids[1])?.status).toBe('done');
    await c.setEventStatus(ids[6], 'failed');
    await c.close(); // checkpoint rewrites only the touched sidecars
    const d = await start({ tuning: { segmentEvents: 5 } });
    expect(d.getEventSummary(ids[1])?.status).toBe('done');
    expect(d.getEventSummary(ids[6])?.status).toBe('failed');
    expect((await d.getEvent(ids[6]))?.status).toBe('failed');
    expect(d.listEvents({ limit: 50, status: 'failed' }).items.map((s) => s.id)).toEqual([ids[6]]);
  });

  it('keeps collection puts and deletes across crash and restart', async () => {
    type Run = { id: string; eventId: string; status: string };
    const a = await start();
    const runs = a.collection<Run>('runs');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => runs.put({ id: `run_${i}`, eventId: 'e', status: 'queued' })),
    );
    await runs.put({ id: 'run_3', eventId: 'e', status: 'succeeded' });
    await runs.delete('run_4');
    expect(runs.size).toBe(19);
    const b = await start(); // crash
    expect(b.collection<Run>('runs').get('run_3')?.status).toBe('succeeded');
    expect(b.collection<Run>('runs').get('run_4')).toBeUndefined();
    await b.collection<Run>('runs').delete('run_5');
    await b.close();
    const c = await start();
    expect(c.collection('runs').size).toBe(18);
    expect([...c.collection<Run>('runs').values()].map((r) => r.id)).not.toContain('run_5');
    expect(c.collection('runs')).toBe(c.collection('runs'));
  });

  it('prunes whole old segments, their runs and deliveries, never recent or unsaved data', async () => {
    const a = await start({ tuning: { segmentEvents: 4 } });
    const day = 86_400_000;
    const now = Date.now();
    const old: string[] = [];
    for (let i = 0; i < 8; i++)
      old.push((await a.appendEvent(makeEvent(i, { receivedAt: new Date(now - 40 * day + i).toISOString() }))).id);
    await a.checkpoint(); // 2 sealed segments of old events
    const fresh: string[] = [];
    for (let i = 10; i < 13; i++) fresh.push((await a.appendEvent(makeEvent(i))).id);
    type Linked = { id: string; eventId: string };
    await a.collection<Linked>('runs').put({ id: 'run_old', eventId: old[2] });
    await a.collection<Linked>('runs').put({ id: 'run_new', eventId: fresh[0] });
    await a.collection<Linked>('deliveries').put({ id: 'dlv_old', eventId: old[5] });
    const r = await a.prune(30, now);
    expect(r.eventsRemoved).toBe(8);
    expect(a.eventCounts(now).events).toBe(3);
    expect(a.getEventSummary(old[0])).toBeUndefined();
    expect(await a.getEvent(old[0])).toBeUndefined();
    expect(a.collection('runs').get('run_old')).toBeUndefined();
    expect(a.collection('runs').get('run_new')).toBeDefined();
    expect(a.collection('deliveries').size).toBe(0);
    expect(a.eventTypes()[0].count).toBe(3);
    // Redelivery of a pruned event is stored again as new.
    expect((await a.appendEvent(makeEvent(0))).duplicate).toBe(false);
    await a.close();
    const b = await start({ tuning: { segmentEvents: 4 } });
    expect(b.eventCounts(now).events).toBe(4);
    expect((await b.prune(30, now)).eventsRemoved).toBe(0);
    for (const id of fresh) expect((await b.getEvent(id))?.id).toBe(id);
  });
});

describe('store: failures and close', () => {
  it('rejects with StoreWriteError when the disk fails, reports it, and recovers', async () => {
    const faults: { beforeSync?: () => void } = {};
    const store = await start({ faults });
    const kept = await store.appendEvent(makeEvent(1));
    faults.beforeSync = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const failed = makeEvent(2);
    await expect(store.appendEvent(failed)).rejects.toBeInstanceOf(StoreWriteError);
    await expect(store.collection('jobs').put({ id: 'job_1' })).rejects.toBeInstanceOf(StoreWriteError);
    expect(store.health()).toMatchObject({ writable: false, lastWriteError: expect.stringContaining('disk is full') });
    expect(store.getEventSummary(failed.id)).toBeUndefined();
    faults.beforeSync = undefined;
    // The failed event can be retried (the sender retries after a 503) and is not a duplicate.
    expect(await store.appendEvent(failed)).toMatchObject({ id: failed.id, duplicate: false });
    expect(store.health()).toMatchObject({ writable: true, lastWriteError: null });
    const again = await start(); // crash: the journal has no trace of the failed batch
    expect(again.eventCounts(Date.now()).events).toBe(2);
    expect(again.getEventSummary(kept.id)).toBeDefined();
    expect(again.collection('jobs').size).toBe(0);
  });

  it('batches concurrent writes into few fsyncs (group commit), each resolved only after its fsync', async () => {
    let syncs = 0;
    const faults = { beforeSync: () => void syncs++ };
    const store = await start({ faults });
    const before = syncs;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.appendEvent(makeEvent(i))));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(syncs - before).toBeGreaterThan(0);
    expect(syncs - before).toBeLessThan(50);
    // One batch fails as a whole: nobody in it is told "stored".
    faults.beforeSync = () => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    };
    const failing = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.appendEvent(makeEvent(500 + i))),
    );
    expect(failing.every((r) => r.status === 'rejected')).toBe(true);
    expect(store.eventCounts(Date.now()).events).toBe(200);
  });

  it('close waits for in-flight writes, is idempotent, and later writes reject', async () => {
    const store = await start();
    const writes = Array.from({ length: 50 }, (_, i) => store.appendEvent(makeEvent(i)));
    const closing = store.close();
    const results = await Promise.all(writes);
    await closing;
    await store.close();
    await expect(store.appendEvent(makeEvent(99))).rejects.toBeInstanceOf(StoreWriteError);
    await expect(store.setEventStatus(results[0].id, 'done')).rejects.toBeInstanceOf(StoreWriteError);
    await expect(store.collection('meta').put({ id: 'x' })).rejects.toBeInstanceOf(StoreWriteError);
    const again = await start();
    expect(again.eventCounts(Date.now()).events).toBe(50);
  });
});

describe('store: bounded writes and repairs', () => {
  const seg = (n: number, side = false) =>
    path.join(dir, 'store', 'segments', `events-${String(n).padStart(6, '0')}${side ? '.idx' : ''}.json`);

  it('a status change on a sealed segment rewrites only its small sidecar, never the segment', async () => {
    const a = await start({ tuning: { segmentEvents: 5 } });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    await a.close();
    const before = {
      seg1: await fsp.stat(seg(1)),
      seg2: await fsp.stat(seg(2)),
      side1: await fsp.readFile(seg(1, true), 'utf8'),
    };
    const b = await start({ tuning: { segmentEvents: 5 } });
    await b.setEventStatus(ids[1], 'failed');
    await b.close();
    const seg1 = await fsp.stat(seg(1));
    expect([seg1.ino, seg1.mtimeMs, seg1.size]).toEqual([before.seg1.ino, before.seg1.mtimeMs, before.seg1.size]);
    expect((await fsp.stat(seg(2))).ino).toBe(before.seg2.ino);
    expect(await fsp.readFile(seg(1, true), 'utf8')).not.toBe(before.side1);
    const c = await start({ tuning: { segmentEvents: 5 } });
    expect(c.getEventSummary(ids[1])?.status).toBe('failed');
  });

  it('rebuilds a lost sidecar from its segment and writes it back', async () => {
    const a = await start({ tuning: { segmentEvents: 5 } });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    await a.close();
    await fsp.rm(seg(1, true));
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(12);
    expect((await b.getEvent(ids[2]))?.summary).toBe('Order #2');
    expect(b.health().quarantined).toEqual([]);
    await b.close();
    await expect(fsp.stat(seg(1, true))).resolves.toBeDefined();
  });

  it('a corrupt sidecar is quarantined and rebuilt; the events stay', async () => {
    const a = await start({ tuning: { segmentEvents: 5 } });
    for (let i = 0; i < 12; i++) await a.appendEvent(makeEvent(i));
    await a.close();
    await fsp.writeFile(seg(2, true), '{"seq":2,"sealed":tr');
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(12);
    expect(b.health().quarantined.map((q) => path.basename(q.file))).toEqual(['events-000002.idx.json']);
  });
});
