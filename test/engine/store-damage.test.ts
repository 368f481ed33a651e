// Damage never disappears without a trace (issue #10, kind 6): every byte the
// store cannot read is kept in DATA_DIR/quarantine and reported in health()
// (`/api/status` store.damage) and the log; nothing is deleted because it
// could not be read. Real files in a temp dir, damaged the way a disk, a
// backup tool or a hand would.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoreDamage } from '../../shared/types';
import { storePerTest } from '../helpers/store-per-test';
import { makeEvent, openStore } from './store-helpers';

const stores = storePerTest({}, { ignoreCloseErrors: true });
const start = stores.start;

const segDir = () => path.join(stores.dir, 'store', 'segments');
const seg = (n: number) => path.join(segDir(), `events-${String(n).padStart(6, '0')}.json`);
const side = (n: number) => path.join(segDir(), `events-${String(n).padStart(6, '0')}.idx.json`);
const journal = () => path.join(stores.dir, 'store', 'journal.log');
const quarantined = async () => (await fsp.readdir(path.join(stores.dir, 'quarantine'))).sort();

/** 17 events in segments of 5: sealed 1, 2, 3 and the hot 4 (2 events), all checkpointed. */
async function seventeen(): Promise<string[]> {
  const a = await start({ tuning: { segmentEvents: 5 } });
  const ids: string[] = [];
  for (let i = 0; i < 17; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
  await a.close();
  return ids;
}

function only(damage: StoreDamage[]): StoreDamage {
  expect(damage).toHaveLength(1);
  return damage[0];
}

describe('store damage: segments', () => {
  it('a missing sealed segment: its index goes to quarantine, the loss is reported, logged and kept across restarts', async () => {
    const ids = await seventeen();
    const sidecarText = await fsp.readFile(side(2), 'utf8');
    await fsp.rm(seg(2));

    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(12);
    const d = only(b.health().damage);
    expect(d.kind).toBe('missing-segment');
    expect(d.file).toBe(seg(2));
    expect(d.bytes).toBe(Buffer.byteLength(sidecarText));
    expect(d.quarantinedAs).toMatch(/quarantine\/\d{4}-\d\d-\d\dT[\d-]+Z-events-000002\.idx\.json$/);
    // The index is kept byte for byte, not deleted.
    expect(await fsp.readFile(d.quarantinedAs!, 'utf8')).toBe(sidecarText);
    await expect(fsp.access(side(2))).rejects.toThrow();
    expect(d.message).toContain('events-000002.json is missing');
    expect(d.message).toContain('5 events');
    expect(d.message).toContain(d.quarantinedAs);
    expect(b.logs.lines.filter((l) => l.includes('ERROR') && l.includes('events-000002.json is missing'))).toHaveLength(
      1,
    );
    expect(b.getEventSummary(ids[7])).toBeUndefined();
    await b.close();

    // Still reported after a restart, once (the damage log in the quarantine folder).
    const c = await start({ tuning: { segmentEvents: 5 } });
    expect(only(c.health().damage)).toEqual(d);
    expect(c.eventCounts(Date.now()).events).toBe(12);
  });

  it('a garbled hot segment: both it and its index are kept (the index is never deleted)', async () => {
    await seventeen();
    const before = await fsp.readFile(seg(4));
    const garbled = Buffer.from(before);
    garbled.write('!!!!', 18); // over the start of the events list
    await fsp.writeFile(seg(4), garbled);
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(15);
    const d = only(b.health().damage);
    expect(d.kind).toBe('unreadable-file');
    expect(d.file).toBe(seg(4));
    expect(d.bytes).toBe(garbled.length);
    expect(await fsp.readFile(d.quarantinedAs!)).toEqual(garbled);
    expect(d.message).toContain('2 events');
    expect(d.message).toMatch(/line 1, column \d+/);
    // Where the fault is, never what the bytes say (they may be a customer's data).
    expect(d.message).not.toContain('!!!!');
    const q = await quarantined();
    expect(q.some((n) => n.endsWith('-events-000004.idx.json'))).toBe(true);
    expect(
      b
        .health()
        .quarantined.map((x) => path.basename(x.file))
        .sort(),
    ).toEqual(['events-000004.idx.json', 'events-000004.json']);
  });

  it('a sealed segment garbled in place (same size): found when read, kept and reported', async () => {
    const ids = await seventeen();
    const bytes = await fsp.readFile(seg(2));
    bytes.write('\u0000\u0000', 20);
    await fsp.writeFile(seg(2), bytes);
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.health().damage).toEqual([]); // the index still matches its size
    expect(await b.getEvent(ids[6])).toBeUndefined();
    const d = only(b.health().damage);
    expect(d.kind).toBe('unreadable-file');
    expect(d.file).toBe(seg(2));
    expect(await fsp.readFile(d.quarantinedAs!)).toEqual(bytes);
    expect(d.message).toContain('5 events');
    expect(b.eventCounts(Date.now()).events).toBe(12);
  });

  it('a segment whose size differs from its index: both kept, reported as size-mismatch', async () => {
    await seventeen();
    await fsp.appendFile(seg(1), '   ');
    const b = await start({ tuning: { segmentEvents: 5 } });
    const d = only(b.health().damage);
    expect(d.kind).toBe('size-mismatch');
    expect(d.message).toContain('5 events');
    expect((await quarantined()).filter((n) => n.includes('events-000001'))).toHaveLength(2);
  });

  it('valid JSON without an events list is damage, not a crash at open', async () => {
    await seventeen();
    await fsp.writeFile(seg(3), '{"hello":1}');
    await fsp.writeFile(side(1), 'null');
    const b = await start({ tuning: { segmentEvents: 5 } });
    // Segment 1 is rebuilt from its data; segment 3 is lost (and reported).
    expect(b.eventCounts(Date.now()).events).toBe(12);
    const kinds = b.health().damage.map((x) => [path.basename(x.file), x.kind]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['events-000001.idx.json', 'unreadable-file'],
        ['events-000003.json', 'size-mismatch'],
      ]),
    );
  });

  it('a garbled index: kept, reported, and rebuilt from its segment (its events stay)', async () => {
    const ids = await seventeen();
    await fsp.writeFile(side(2), '{"seq":2,"sealed":tr');
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(17);
    expect((await b.getEvent(ids[6]))?.id).toBe(ids[6]);
    const d = only(b.health().damage);
    expect(d.kind).toBe('unreadable-file');
    expect(await fsp.readFile(d.quarantinedAs!, 'utf8')).toBe('{"seq":2,"sealed":tr');
    expect(d.message).toContain('rebuilt');
  });

  it('a missing index of a sealed segment: rebuilt, and reported (its later status changes are gone)', async () => {
    const ids = await seventeen();
    await fsp.rm(side(2));
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(17);
    expect((await b.getEvent(ids[6]))?.id).toBe(ids[6]);
    const d = only(b.health().damage);
    expect(d.kind).toBe('missing-index');
    expect(d.quarantinedAs).toBeNull();
    expect(d.message).toContain('5 events');
  });

  it('a prune a crash interrupted is finished at open, not taken for damage', async () => {
    await seventeen();
    // What prune leaves when killed between its two steps.
    await fsp.rename(side(1), path.join(segDir(), 'events-000001.dropping'));
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.eventCounts(Date.now()).events).toBe(12);
    expect(b.health().damage).toEqual([]);
    expect((await fsp.readdir(segDir())).filter((n) => n.includes('000001'))).toEqual([]);
  });

  it('a real prune leaves no lone index behind and reports nothing', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const a = await start({ tuning: { segmentEvents: 5 } });
    for (let i = 0; i < 12; i++) await a.appendEvent(makeEvent(i, { receivedAt: old }));
    await a.checkpoint(true);
    expect((await a.prune(30, Date.now())).eventsRemoved).toBe(10);
    await a.close();
    const b = await start({ tuning: { segmentEvents: 5 } });
    expect(b.health().damage).toEqual([]);
    expect((await fsp.readdir(segDir())).some((n) => /events-00000[12]/.test(n))).toBe(false);
  });

  it('a garbled collection shard: kept and reported with what it held', async () => {
    const a = await start();
    await a.collection('runs').put({ id: 'run_1' });
    await a.close();
    const shard = path.join(stores.dir, 'store', 'collections', 'runs.misc.json');
    await fsp.writeFile(shard, '{"records":[{"id":"run_1"');
    const b = await start();
    const d = only(b.health().damage);
    expect(d.file).toBe(shard);
    expect(await fsp.readFile(d.quarantinedAs!, 'utf8')).toBe('{"records":[{"id":"run_1"');
    expect(d.message).toContain('runs, deliveries or scheduled retries');
  });
});

describe('store damage: the journal', () => {
  /** A store with three events in its journal only (abandoned, as if killed before any checkpoint). */
  async function journalOfThree(): Promise<{ ids: string[]; lines: Buffer[] }> {
    const tuning = { checkpointBytes: 1 << 30, checkpointEvents: 1 << 30 };
    const a = await openStore(stores.dir, { tuning });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.appendEvent(makeEvent(i))).id);
    const buf = await fsp.readFile(journal());
    const lines: Buffer[] = [];
    for (let s = 0; s < buf.length;) {
      const e = buf.indexOf(0x0a, s);
      lines.push(buf.subarray(s, e + 1));
      s = e + 1;
    }
    return { ids, lines };
  }

  it('a garbled line in the middle: kept in quarantine before the checkpoint deletes the journal, and reported', async () => {
    const { ids, lines } = await journalOfThree();
    const bad = Buffer.from(lines[1]);
    bad.fill(0x23, 5, 25); // '#' over part of the record, same length
    await fsp.writeFile(journal(), Buffer.concat([lines[0], bad, lines[2]]));

    const b = await start();
    expect(b.eventCounts(Date.now()).events).toBe(2);
    expect(b.getEventSummary(ids[1])).toBeUndefined();
    const d = only(b.health().damage);
    expect(d.kind).toBe('journal-lines');
    expect(d.file).toBe(journal());
    expect(d.bytes).toBe(bad.length);
    expect(d.message).toContain(`at byte ${lines[0].length}`);
    expect(b.logs.lines.some((l) => l.includes('ERROR') && l.includes('could not be read'))).toBe(true);
    await b.checkpoint(true);
    await b.close();
    // The journal that held it is gone; its unreadable bytes are not.
    expect(await fsp.readFile(d.quarantinedAs!)).toEqual(bad);
  });

  it('the same damaged line found again after a crash is not reported twice', async () => {
    const { lines } = await journalOfThree();
    const bad = Buffer.from(lines[1]);
    bad.fill(0x23, 5, 25);
    await fsp.writeFile(journal(), Buffer.concat([lines[0], bad, lines[2]]));
    const b = await openStore(stores.dir); // abandoned without a checkpoint, as if killed
    expect(b.health().damage).toHaveLength(1);
    const c = await start();
    expect(c.health().damage).toEqual(b.health().damage);
    expect((await quarantined()).filter((n) => n.endsWith('-journal.log-unreadable-lines'))).toHaveLength(1);
  });

  it('a line that is JSON but no record the store knows is kept and reported too', async () => {
    const { lines } = await journalOfThree();
    const odd = Buffer.from('{"t":"from-the-future","x":1}\n');
    await fsp.writeFile(journal(), Buffer.concat([lines[0], odd, lines[1], lines[2]]));
    const b = await start();
    expect(b.eventCounts(Date.now()).events).toBe(3);
    const d = only(b.health().damage);
    expect(d.kind).toBe('journal-lines');
    expect(await fsp.readFile(d.quarantinedAs!)).toEqual(odd);
  });

  it('a torn last line (a crash mid-write, never acknowledged) is kept, cut off, and raises no alarm', async () => {
    const { lines } = await journalOfThree();
    const torn = lines[2].subarray(0, 40);
    await fsp.writeFile(journal(), Buffer.concat([lines[0], lines[1], torn]));
    const b = await start();
    expect(b.eventCounts(Date.now()).events).toBe(2);
    expect(b.health().damage).toEqual([]);
    const [q] = b.health().quarantined;
    expect(q.file).toBe(journal());
    expect(q.movedTo).toMatch(/-journal\.log-torn-tail$/);
    expect(await fsp.readFile(q.movedTo)).toEqual(torn);
    expect((await fsp.readFile(journal())).length).toBe(lines[0].length + lines[1].length);
    expect(b.logs.lines.some((l) => l.includes('INFO') && l.includes('half-written'))).toBe(true);
  });
});
