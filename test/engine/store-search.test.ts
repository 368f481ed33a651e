// Search over payloads survives a restart: the search texts are kept in the
// segment sidecars (no payload file is read to answer a query), and a sidecar
// written before search covered payloads is rebuilt from its segment once.
import { describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { summarize } from '../../shared/summary';
import { notePayloadParsedFrom } from '../../electron/engine/store/event-payload';
import { storePerTest } from '../helpers/store-per-test';
import { makeEvent, openStore } from './store-helpers';
import { shopifyOrder, wooOrder } from '../fixtures/payloads';

const stores = storePerTest({ tuning: { segmentEvents: 4 } }, { ignoreCloseErrors: true });
const start = () => stores.start();

function order(i: number, payload: object, type = 'orders/create') {
  const text = JSON.stringify(payload);
  return makeEvent(i, {
    type,
    summary: summarize('shopify', type, payload),
    body: { text },
    payload: JSON.parse(text) as unknown,
    receivedAt: new Date(Date.UTC(2026, 10, 29, 9, i)).toISOString(),
  });
}

const sidecars = async () => {
  const segDir = path.join(stores.dir, 'store', 'segments');
  return (await fsp.readdir(segDir)).filter((n) => n.endsWith('.idx.json')).map((n) => path.join(segDir, n));
};

describe('store: search over payloads', () => {
  it('finds events replayed from the journal after a crash by their payload, also after the next checkpoint', async () => {
    // A journal record leaves the payload out (the body text restores it): replay must put it back for search.
    const a = await openStore(stores.dir, { tuning: { segmentEvents: 50 } });
    const events = [
      order(0, { ...shopifyOrder, name: '#7001', note: 'killnine-marker 大阪 🚀', email: 'nandu.prekill@example.ar' }),
      order(1, { ...shopifyOrder, name: '#7002', note: 'Crème brûlée mug' }),
    ];
    // As the receiver does (parseBody): the journal then keeps the body text alone.
    for (const e of events) notePayloadParsedFrom(e.payload, (e.body as { text: string }).text);
    for (const e of events) await a.appendEvent(e);
    // `a` is abandoned here, as if killed: no checkpoint, no close.
    const b = await start();
    const find = (s: typeof b, q: string) => s.listEvents({ q, limit: 50 }).items.map((x) => x.id);
    expect(find(b, 'killnine-marker')).toEqual([events[0].id]);
    expect(find(b, 'nandu.prekill@example.ar')).toEqual([events[0].id]);
    expect(find(b, '大阪')).toEqual([events[0].id]);
    expect(find(b, 'creme brulee')).toEqual([events[1].id]);
    // Two more events fill the segment (4): the checkpoint writes the replayed events' texts to the sidecar.
    for (let i = 2; i < 4; i++) await b.appendEvent(order(i, shopifyOrder));
    await b.checkpoint();
    await b.close();
    const c = await start();
    expect(find(c, 'killnine-marker')).toEqual([events[0].id]);
    expect(find(c, 'creme')).toEqual([events[1].id]);
  });

  it('finds customers in checkpointed, reopened and migrated segments, newest first', async () => {
    const a = await start();
    const events = Array.from({ length: 10 }, (_, i) =>
      order(i, i % 2 ? wooOrder : { ...shopifyOrder, name: `#${1000 + i}` }),
    );
    for (const e of events) await a.appendEvent(e);
    const maria = events
      .filter((_, i) => i % 2 === 0)
      .map((e) => e.id)
      .reverse();
    expect(a.listEvents({ q: 'maria@example.com', limit: 50 }).items.map((s) => s.id)).toEqual(maria);
    await a.checkpoint();
    await a.close();

    const b = await start();
    expect(b.listEvents({ q: 'García mug', limit: 50 }).items.map((s) => s.id)).toEqual(maria);
    expect(b.listEvents({ q: '#1004', limit: 50 }).items.map((s) => s.id)).toEqual([events[4].id]);
    await b.close();

    // Sidecars from before search texts: rebuilt from their segments, then written again.
    for (const f of await sidecars()) {
      const side = JSON.parse(await fsp.readFile(f, 'utf8')) as { search?: string[] };
      delete side.search;
      await fsp.writeFile(f, JSON.stringify(side));
    }
    const c = await start();
    expect(c.listEvents({ q: 'tea towel', limit: 50 }).items).toHaveLength(5);
    expect(c.listEvents({ q: 'maria', limit: 50 }).items.map((s) => s.id)).toEqual(maria);
    await c.checkpoint();
    await c.close();
    const rewritten = await Promise.all(
      (await sidecars()).map(async (f) => JSON.parse(await fsp.readFile(f, 'utf8')) as { search?: string[] }),
    );
    expect(rewritten.some((s) => Array.isArray(s.search) && s.search.length > 0)).toBe(true);
  });
});
