// Genuine senders first (receiver/admission.ts), on the real receiver over the
// real store: a stranger's failed verifications spend the rate budget, never a
// correctly signed request; stalled uploads cannot hold the memory budget
// against a new sender. The clock is ours, so "stalled for a second" is exact.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inFlightBodyBudget, SMALL_BODY_BYTES } from '../../electron/engine/receiver/admission';
import { createReceiverApp } from '../../electron/engine/receiver/app';
import { createStore } from '../../electron/engine/store';
import { createBus } from '../../electron/engine/util/bus';
import type { Clock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { configSchema } from '../../shared/config';
import { connect, requestHead } from '../helpers/raw-http';
import { sampleSources, signedRequest, type SignedRequest } from '../helpers/sign';

const PUBLIC_URL = 'https://abc.ngrok.app';
const sources = sampleSources();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(limits: { ratePerSecond?: number; burst?: number; maxBodyBytes?: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'hookdock-admission-'));
  const logger = memoryLogger();
  const store = createStore({ dataDir: dir, logger });
  await store.open();
  const config = configSchema.parse({ sources, limits });
  const clock = { t: Date.now(), now: () => clock.t, setTimeout, clearTimeout } as unknown as Clock & { t: number };
  const server = http.createServer(
    createReceiverApp({
      store,
      bus: createBus(),
      logger,
      clock,
      getConfig: () => config,
      publicUrl: () => PUBLIC_URL,
      receiverUrl: () => 'http://127.0.0.1:1',
      onAccepted: () => {},
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const port = (server.address() as AddressInfo).port;
  return { port, base: `http://127.0.0.1:${port}`, clock, store, server };
}

async function post(base: string, sourceId: string, req: SignedRequest) {
  const res = await fetch(`${base}/hooks/${sourceId}`, { method: 'POST', headers: req.headers, body: req.body });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: JSON.parse(text) as unknown };
}

/** The same request with one byte of the body changed: its signature no longer matches. */
const tampered = (req: SignedRequest): SignedRequest => ({ ...req, body: req.body.replace(/.$/, ' ') });

describe('the rate budget is spent by failed verifications, never by genuine senders', () => {
  for (const source of sources.filter((s) => s.provider !== 'none')) {
    it(`${source.provider}: a flood of bad signatures gets 429; every correctly signed request still gets 200`, async () => {
      const h = await start({ ratePerSecond: 1, burst: 3 });
      const sign = () => signedRequest(source, { url: `${PUBLIC_URL}/hooks/${source.id}` });
      const codes: number[] = [];
      const genuine: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 5; i++) codes.push((await post(h.base, source.id, tampered(await sign()))).status);
        genuine.push((await post(h.base, source.id, await sign())).status);
      }
      expect(genuine).toEqual([200, 200, 200, 200]);
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(new Set(codes.slice(3))).toEqual(new Set([429]));
      const limited = await post(h.base, source.id, tampered(await sign()));
      expect(limited).toMatchObject({ status: 429, retryAfter: '1', json: { error: { code: 'rate_limited' } } });
      h.clock.t += 1000; // one token back: the next failure is answered 401 again
      expect((await post(h.base, source.id, tampered(await sign()))).status).toBe(401);
    });
  }

  it('unsigned requests without any signature header count as failures too', async () => {
    const h = await start({ ratePerSecond: 1, burst: 2 });
    const bare = { headers: { 'content-type': 'application/json' }, body: '{"id":1}' };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post(h.base, 'shop', bare)).status);
    expect(codes).toEqual([401, 401, 429, 429]);
    const shop = sources.find((s) => s.id === 'shop')!;
    expect((await post(h.base, 'shop', await signedRequest(shop))).status).toBe(200);
  });
});

describe('stalled uploads cannot hold the in-flight body budget', () => {
  const MiB = 1024 * 1024;
  /** A correctly signed Shopify webhook of about `bytes` (a long note). */
  const signedOf = (bytes: number) =>
    signedRequest(
      sources.find((s) => s.id === 'shop')!,
      { extra: { note: 'n'.repeat(bytes) } },
    );

  it('large uploads: a new one waits while moving ones fill their budget; once they stall for a second, it gets in', async () => {
    const maxBodyBytes = 8 * MiB;
    expect(inFlightBodyBudget(maxBodyBytes)).toBe(2 * maxBodyBytes);
    const h = await start({ maxBodyBytes });
    // Two uploads declaring the whole limit (a large body reserves what it declares), sending a little.
    const stalled = await openUploads(h, 2, maxBodyBytes, '{"a":');
    const waiting = signedOf(MiB).then((r) => post(h.base, 'shop', r));
    await new Promise<void>((ok) => h.server.once('request', () => ok())); // it has arrived, and waits
    expect(h.store.listEvents({ limit: 10 }).items).toHaveLength(0);

    h.clock.t += 1000; // neither has sent a byte for a second
    const genuine = await waiting;
    expect(genuine.status).toBe(200);
    await stalled[0]!.closed; // the oldest stalled upload made room
    expect(stalled[0]!.received()).toBe(''); // closed without an answer: it never finished its request
    for (const c of stalled) c.socket.destroy();
  });

  it('uploads declaring large bodies never keep a webhook-sized one out (two budgets)', async () => {
    const maxBodyBytes = 8 * MiB;
    const h = await start({ maxBodyBytes });
    const shop = sources.find((s) => s.id === 'shop')!;
    const statuses: number[] = [];
    // Renewed before they are a second old: never "stalled", always holding the large budget.
    let open = await openUploads(h, 2, maxBodyBytes, '{"a":');
    for (let round = 0; round < 3; round++) {
      statuses.push((await post(h.base, 'shop', await signedRequest(shop))).status);
      for (const c of open) c.socket.destroy();
      open = await openUploads(h, 2, maxBodyBytes, '{"a":');
    }
    expect(statuses).toEqual([200, 200, 200]);
    for (const c of open) c.socket.destroy();
  });

  it('a large genuine upload waits in line for room, ahead of strangers who renew theirs before they stall', async () => {
    const maxBodyBytes = 8 * MiB; // large budget 16 MiB: two uploads declaring the limit fill it
    const h = await start({ maxBodyBytes });
    let holders = await openUploads(h, 2, maxBodyBytes, '{"a":');
    const waiting = signedOf(MiB).then((r) => post(h.base, 'shop', r));
    await new Promise<void>((ok) => h.server.once('request', () => ok())); // it has arrived, and waits
    for (let round = 0; round < 3; round++) {
      // The stranger drops its uploads and opens new ones at once (never a second old).
      for (const c of holders) c.socket.destroy();
      await Promise.all(holders.map((c) => c.closed));
      holders = await openUploads(h, 2, maxBodyBytes, '{"a":');
    }
    expect((await waiting).status).toBe(200);
    for (const c of holders) c.socket.destroy();
  });

  it('a compressed genuine upload (the express path) waits in line too, then is read and stored', async () => {
    const maxBodyBytes = 8 * MiB;
    const h = await start({ maxBodyBytes });
    const holders = await openUploads(h, 2, maxBodyBytes, '{"a":');
    const signed = await signedOf(1000);
    const zipped = gzipSync(Buffer.from(signed.body));
    const waiting = fetch(`${h.base}/hooks/shop`, {
      method: 'POST',
      headers: { ...signed.headers, 'Content-Encoding': 'gzip' },
      body: zipped,
    });
    await new Promise<void>((ok) => h.server.once('request', () => ok())); // it has arrived, and waits
    for (const c of holders) c.socket.destroy();
    const res = await waiting;
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect((await h.store.getEvent(id))!.body).toEqual({ text: signed.body });
  });

  it('an upload that hangs up before its body is read gives its share back at once (no stall to wait for)', async () => {
    const maxBodyBytes = 8 * MiB;
    const h = await start({ maxBodyBytes });
    const aborted = await openUploads(h, 2, maxBodyBytes, '{"a":');
    const waiting = signedOf(MiB).then((r) => post(h.base, 'shop', r));
    await new Promise<void>((ok) => h.server.once('request', () => ok())); // it has arrived, and waits
    for (const c of aborted) c.socket.destroy();
    // The clock has not moved: neither counts as stalled; they are gone, and so are their reservations.
    expect((await waiting).status).toBe(200);
  });

  it('hundreds of webhook-sized uploads that each send a little and are renewed all the time hold next to nothing', async () => {
    // Reserving 64 KiB per upload when its headers came, 256 of these filled the budget and
    // genuine senders got 503; trickling 1.5 KB a second each (never "stalled") did too.
    const h = await start({}); // limit 5 MiB
    const shop = sources.find((s) => s.id === 'shop')!;
    const statuses: number[] = [];
    let open = await openUploads(h, 300, SMALL_BODY_BYTES, '{', 1500);
    for (let round = 0; round < 3; round++) {
      statuses.push((await post(h.base, 'shop', await signedRequest(shop))).status);
      statuses.push((await post(h.base, 'shop', await signedOf(MiB))).status); // a large one too
      for (const c of open) c.socket.destroy();
      open = await openUploads(h, 300, SMALL_BODY_BYTES, '{', 1500);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    for (const c of open) c.socket.destroy();
  });

  it('a genuine webhook of 3 MB is read whole', async () => {
    const h = await start({}); // limit 5 MiB
    const big = await signedOf(3 * MiB);
    const res = await post(h.base, 'shop', big);
    expect(res.status).toBe(200);
    const id = (res.json as { id: string }).id;
    expect((await h.store.getEvent(id))!.body).toEqual({ text: big.body });
  });
});

describe('refused and trickling uploads cannot hold the in-flight body budget', () => {
  const large = () =>
    signedRequest(
      sources.find((s) => s.id === 'shop')!,
      { extra: { note: 'n'.repeat(1 << 20) } },
    );

  it('an upload answered 413 for its declared length frees its share at once (its connection lingers 2 s)', async () => {
    const maxBodyBytes = 8 * 1024 * 1024; // budget: 16 MiB, two maximal bodies
    const h = await start({ maxBodyBytes });
    const refused = await openUploads(h, 3, maxBodyBytes + 1, '');
    // Each is answered 413 (and kept open a while to read what it still sends).
    for (const c of refused) await waitForText(c, /413/);
    const genuine = await post(h.base, 'shop', await large());
    expect(genuine.status).toBe(200);
    for (const c of refused) c.socket.destroy();
  });

  it('an upload trickling a byte at a time counts as stalled: a genuine sender gets in', async () => {
    const maxBodyBytes = 8 * 1024 * 1024;
    const h = await start({ maxBodyBytes });
    const trickling = await openUploads(h, 2, maxBodyBytes, '{');
    const waiting = large().then((r) => post(h.base, 'shop', r));
    await new Promise<void>((ok) => h.server.once('request', () => ok())); // it has arrived, and waits
    // A few bytes each (well under 1 KiB), then a second passes on the receiver's clock.
    for (const c of trickling) await new Promise<void>((ok) => c.socket.write('"a":1,', () => ok()));
    await settle();
    h.clock.t += 1000;
    expect((await waiting).status).toBe(200);
    for (const c of trickling) c.socket.destroy();
  });
});

describe('chunked uploads reserve as their body grows', () => {
  it('eight genuine chunked webhooks in flight at once all get in (each first reserves 64 KiB, not the limit)', async () => {
    const h = await start({});
    const shop = sources.find((s) => s.id === 'shop')!;
    const signed = await Promise.all(Array.from({ length: 8 }, () => signedRequest(shop)));
    let seen = 0;
    const arrived = new Promise<void>((ok) => h.server.on('request', () => ++seen === 8 && ok()));
    // Every upload has sent its first half before any sends the rest: all eight are in flight together.
    let sendRest!: () => void;
    const restGo = new Promise<void>((ok) => (sendRest = ok));
    const answers = signed.map(
      (r) =>
        new Promise<number>((ok, fail) => {
          const req = http.request(`${h.base}/hooks/shop`, { method: 'POST', headers: r.headers }, (res) => {
            res.resume();
            res.on('end', () => ok(res.statusCode ?? 0));
          });
          req.on('error', fail);
          const half = Math.floor(r.body.length / 2);
          req.write(r.body.slice(0, half)); // no Content-Length: node sends it chunked
          void restGo.then(() => req.end(r.body.slice(half)));
        }),
    );
    await arrived; // all eight admitted (the receiver reserves on the request, before its body)
    sendRest();
    expect(await Promise.all(answers)).toEqual(Array(8).fill(200));
    expect(h.store.listEvents({ limit: 20 }).items).toHaveLength(8);
  });

  it('a chunked upload that outgrows the room left is answered 503 busy', async () => {
    const maxBodyBytes = 8 * 1024 * 1024; // budget 16 MiB
    const h = await start({ maxBodyBytes });
    // 14 MiB of the small-body budget held by two chunked uploads still moving (the clock never says a second passed).
    const holders = [await openChunked(h, 3.5 * 1024 * 1024), await openChunked(h, 3.5 * 1024 * 1024)]; // 7 MiB reserved each
    const c = await connect(h.port);
    c.socket.write(requestHead('/hooks/shop', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }));
    const piece = Buffer.alloc(2 * 1024 * 1024, 0x20);
    c.socket.write(`${piece.length.toString(16)}\r\n`);
    c.socket.write(piece);
    c.socket.write('\r\n');
    await waitForText(c, /503/);
    expect(c.received()).toMatch(/"code":"busy"/);
    expect(c.received()).toMatch(/Retry-After: 5/i);
    for (const x of [...holders, c]) x.socket.destroy();
  });
});

/**
 * `n` raw connections, each posting to /hooks/shop a JSON body of `declared` bytes
 * (Content-Length) and sending only `first` of it, then `more` bytes of spaces; resolves
 * once the receiver has read all of that.
 */
async function openUploads(
  h: { port: number; server: http.Server },
  n: number,
  declared: number,
  first: string,
  more = 0,
) {
  const uploads = [];
  for (let i = 0; i < n; i++) {
    const serverSide = new Promise<Socket>((ok) => h.server.once('connection', ok));
    const c = await connect(h.port);
    const head = requestHead('/hooks/shop', { 'Content-Type': 'application/json', 'Content-Length': declared });
    c.socket.write(head + first);
    if (more) c.socket.write(Buffer.alloc(more, 0x20));
    const socket = await serverSide;
    const expected = Buffer.byteLength(head + first) + more;
    // Read by the receiver (loopback: it takes a few turns of the loop), or answered already.
    while (socket.bytesRead < expected && !c.received() && !socket.destroyed) await new Promise((r) => setImmediate(r));
    uploads.push(c);
  }
  return uploads;
}

/** A chunked upload to /hooks/shop that has sent `bytes` of its body (read by the receiver) and goes on later. */
async function openChunked(h: { port: number; server: http.Server }, bytes: number) {
  const serverSide = new Promise<Socket>((ok) => h.server.once('connection', ok));
  const c = await connect(h.port);
  const head = requestHead('/hooks/shop', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  const size = `${bytes.toString(16)}\r\n`;
  c.socket.write(head + size);
  c.socket.write(Buffer.alloc(bytes, 0x20));
  c.socket.write('\r\n');
  const socket = await serverSide;
  const expected = Buffer.byteLength(head + size) + bytes + 2;
  while (socket.bytesRead < expected && !c.received() && !socket.destroyed) await new Promise((r) => setImmediate(r));
  return c;
}

async function waitForText(c: Awaited<ReturnType<typeof connect>>, pattern: RegExp): Promise<void> {
  for (let tries = 0; !pattern.test(c.received()) && tries < 500; tries++) await new Promise((r) => setTimeout(r, 10));
  expect(c.received()).toMatch(pattern);
}

/** Lets the server read what the trickling uploads just wrote (on loopback: a few turns of the loop). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
