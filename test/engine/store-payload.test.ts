// The store leaves `payload` out of a record when it is the parsed body text
// (see store/event-payload.ts): reads must give the payload back unchanged,
// from the journal (live and replayed) and from segments, and records that do
// carry a payload (older files, payloads set by hand) must load as they are.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBody } from '../../electron/engine/receiver/event';
import type { Store } from '../../electron/engine/store';
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
async function start() {
  const s = await openStore(dir);
  open.push(s);
  return s;
}
const journal = () => fsp.readFile(path.join(dir, 'store', 'journal.log'), 'utf8');
async function segmentsText(): Promise<string> {
  const segDir = path.join(dir, 'store', 'segments');
  const names = (await fsp.readdir(segDir)).filter((n) => /^events-\d+\.json$/.test(n));
  return (await Promise.all(names.map((n) => fsp.readFile(path.join(segDir, n), 'utf8')))).join('\n');
}

/** An event as the receiver builds it: payload parsed from the body by parseBody. */
function received(i: number, text: string) {
  const parsed = parseBody(Buffer.from(text, 'utf8'));
  return makeEvent(i, { body: parsed.body, payload: parsed.payload, sizeBytes: text.length });
}

describe('store: payload kept once, as body text', () => {
  it('writes the parsed payload nowhere, yet gives it back from journal, replay and segments', async () => {
    const texts = ['{"order":{"id":7,"items":[1,2]},"note":"ü €"}', '\ufeff{"bom":true}', '[1,{"a":null}]'];
    const a = await start();
    const ids: string[] = [];
    for (const [i, text] of texts.entries()) ids.push((await a.appendEvent(received(i, text))).id);
    const expected = [{ order: { id: 7, items: [1, 2] }, note: 'ü €' }, { bom: true }, [1, { a: null }]];
    expect(await journal()).not.toContain('"payload"');
    for (const [i, id] of ids.entries()) expect((await a.getEvent(id))!.payload).toEqual(expected[i]);

    const b = await start(); // crash: the journal is replayed
    for (const [i, id] of ids.entries()) expect((await b.getEvent(id))!.payload).toEqual(expected[i]);
    await b.setEventStatus(ids[0], 'done');
    await b.close(); // checkpoint into segments
    expect(await segmentsText()).not.toContain('"payload"');

    const c = await start();
    for (const [i, id] of ids.entries()) {
      const ev = (await c.getEvent(id))!;
      expect(ev.payload).toEqual(expected[i]);
      expect(ev.body).toEqual({ text: texts[i] });
    }
    expect((await c.getEvent(ids[0]))!.status).toBe('done');
  });

  it('writes new events to journal and segment as the exact UTF-8 of their records, status changes included', async () => {
    // Held as bytes until the checkpoint (segment-files.ts HeldJson): accents, emoji, a body
    // past Node's 4 KiB buffer pool, and status records written in the same batches.
    const texts = [
      '{"name":"María García","emoji":"🦊☕"}',
      JSON.stringify({ note: 'ü'.repeat(3000), id: 1 }),
      '{"plain":"ascii"}',
      '{"ctrl":"tab\\there \\u2028 line"}',
    ];
    const a = await start();
    const appended = await Promise.all(texts.map((t, i) => a.appendEvent(received(i, t))));
    const ids = appended.map((r) => r.id);
    await Promise.all([a.setEventStatus(ids[1], 'done'), a.appendEvent(received(9, '{"later":"é"}'))]);
    const journalLines = (await journal()).trimEnd().split('\n');
    expect(journalLines.map((l) => JSON.parse(l).t)).toEqual([
      'ev',
      'ev',
      'ev',
      'ev',
      expect.any(String),
      expect.any(String),
    ]);
    for (const [i, id] of ids.entries()) {
      const line = journalLines.find((l) => l.includes(id))!;
      expect(JSON.parse(line).e.body).toEqual({ text: texts[i] });
    }
    await a.close(); // checkpoint from the live (never replayed) held bytes

    const segments = (await segmentsText())
      .split('\n')
      .map((t) => JSON.parse(t) as { events: { id: string; status: string; body: unknown }[] });
    const stored = segments.flatMap((s) => s.events);
    for (const [i, id] of ids.entries()) {
      const e = stored.find((x) => x.id === id)!;
      expect(e.body).toEqual({ text: texts[i] });
      expect(e.status).toBe(i === 1 ? 'done' : 'received');
    }
    const b = await start();
    expect((await b.getEvent(ids[0]))!.payload).toEqual({ name: 'María García', emoji: '🦊☕' });
    expect((await b.getEvent(ids[1]))!.status).toBe('done');
  });

  it('keeps a payload that is not the parsed body text, and loads records that carry one', async () => {
    const a = await start();
    const byHand = makeEvent(1, { payload: { not: 'the body' } });
    const plain = makeEvent(2); // payload equal to the body, but not known to be parsed from it: kept
    await a.appendEvent(byHand);
    await a.appendEvent(plain);
    const text = 'hello, not json';
    const asText = await a.appendEvent(received(3, text));
    expect((await a.getEvent(byHand.id))!.payload).toEqual({ not: 'the body' });
    expect((await a.getEvent(asText.id))!.payload).toBe(text);
    await a.close();
    expect(await segmentsText()).toContain('"payload":{"not":"the body"}');
    const b = await start();
    expect((await b.getEvent(byHand.id))!.payload).toEqual({ not: 'the body' });
    expect((await b.getEvent(plain.id))!.payload).toEqual(plain.payload);
    expect((await b.getEvent(asText.id))!.payload).toBe(text);
  });

  it('restores the payload of a base64 body as its text', async () => {
    const a = await start();
    const bytes = Buffer.from([0xff, 0x41, 0x42]);
    const parsed = parseBody(bytes);
    const ev = makeEvent(4, { body: parsed.body, payload: parsed.payload });
    await a.appendEvent(ev);
    expect((await a.getEvent(ev.id))!.payload).toBe(bytes.toString('utf8'));
    await a.close();
    const b = await start();
    expect((await b.getEvent(ev.id))!.body).toEqual({ base64: bytes.toString('base64') });
    expect((await b.getEvent(ev.id))!.payload).toBe(bytes.toString('utf8'));
  });
});
