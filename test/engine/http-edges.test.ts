// The receiver's HTTP edges on the real engine (port 0, temp data dir), over
// raw TCP sockets: half-closed senders, Expect: 100-continue, bodies over the
// limit or shorter than declared, pipelining, silent connections and the cap.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import type { Engine, EngineOptions } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { connect, requestHead } from '../helpers/raw-http';
import { sampleSources, signedRequest } from '../helpers/sign';
import { makeTempDir, removeDir } from '../helpers/tmp';

let dir: string;
let engine: Engine | null;
const sources = sampleSources();
const shop = sources.find((s) => s.id === 'shop')!;

async function startEngine(
  opts: { maxBodyBytes?: number; http?: EngineOptions['http'] } = {},
): Promise<{ engine: Engine; port: number }> {
  const limits = opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : undefined;
  await writeFile(join(dir, 'config.json'), JSON.stringify({ sources, tunnel: { provider: 'none' }, limits }));
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), http: opts.http });
  await engine.start();
  return { engine, port: engine.receiverPort() };
}

async function signedShop(eventId?: string) {
  const req = await signedRequest(shop, { eventId });
  const headers = { ...req.headers, 'Content-Length': Buffer.byteLength(req.body) };
  return { body: req.body, head: requestHead('/hooks/shop', headers), headers: req.headers };
}

beforeEach(async () => {
  dir = await makeTempDir();
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await removeDir(dir);
});

describe('a sender that half-closes after its request', () => {
  it('gets its answer on the fast path (Content-Length), and the event is stored', async () => {
    const { engine: e, port } = await startEngine();
    const { head, body } = await signedShop();
    const c = await connect(port);
    c.socket.end(head + body);
    const [res] = await c.responses(1);
    expect(res!.status).toBe(200);
    const { id, duplicate } = JSON.parse(res!.body) as { id: string; duplicate: boolean };
    expect(duplicate).toBe(false);
    expect((await e.store.getEvent(id))?.body).toEqual({ text: body });
    await c.closed; // and the server then closes its side
  });

  it('gets its answer on the express path (chunked), and the event is stored', async () => {
    const { engine: e, port } = await startEngine();
    const req = await signedRequest(shop);
    const c = await connect(port);
    const head = requestHead('/hooks/shop', { ...req.headers, 'Transfer-Encoding': 'chunked' });
    const half = Math.floor(req.body.length / 2);
    const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
    c.socket.end(head + chunk(req.body.slice(0, half)) + chunk(req.body.slice(half)) + '0\r\n\r\n');
    const [res] = await c.responses(1);
    expect(res!.status).toBe(200);
    expect((await e.store.getEvent((JSON.parse(res!.body) as { id: string }).id))?.body).toEqual({ text: req.body });
  });

  it('gets its 401 for a bad signature too', async () => {
    const { port } = await startEngine();
    const body = '{"id":1}';
    const c = await connect(port);
    c.socket.end(
      requestHead('/hooks/shop', {
        'Content-Type': 'application/json',
        'X-Shopify-Hmac-Sha256': 'AAAA',
        'Content-Length': body.length,
      }) + body,
    );
    expect((await c.responses(1))[0]!.status).toBe(401);
  });
});

describe('Expect: 100-continue', () => {
  it('over the limit: 413 at once, no 100 Continue, and the connection is closed', async () => {
    const { port } = await startEngine({ maxBodyBytes: 1024 });
    const c = await connect(port);
    c.socket.write(
      requestHead('/hooks/shop', {
        'Content-Type': 'application/json',
        'Content-Length': 4096,
        Expect: '100-continue',
      }),
    );
    const [res] = await c.responses(1);
    expect(res!.status).toBe(413);
    expect(JSON.parse(res!.body)).toMatchObject({ error: { code: 'too_large' } });
    await c.closed;
    expect(c.received()).not.toMatch(/100 Continue/);
  });

  it('within the limit: 100 Continue, then the body, then 200', async () => {
    const { engine: e, port } = await startEngine();
    const { body, headers } = await signedShop();
    const c = await connect(port);
    c.socket.write(
      requestHead('/hooks/shop', { ...headers, 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' }),
    );
    const [cont] = await c.responses(1);
    expect(cont!.status).toBe(100);
    c.socket.write(body);
    const [, res] = await c.responses(2);
    expect(res!.status).toBe(200);
    expect((await e.store.getEvent((JSON.parse(res!.body) as { id: string }).id))?.body).toEqual({ text: body });
    c.socket.destroy();
  });
});

describe('bodies that do not match what they declare', () => {
  it('a chunked body over the limit: 413, and the connection is closed rather than read on', async () => {
    const { engine: e, port } = await startEngine({ maxBodyBytes: 1024 });
    const c = await connect(port);
    c.socket.write(requestHead('/hooks/shop', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }));
    c.socket.write(`800\r\n${'x'.repeat(2048)}\r\n`);
    const [res] = await c.responses(1);
    expect(res!.status).toBe(413);
    expect(res!.headers.connection).toBe('close');
    await c.closed;
    expect(e.store.listEvents({ limit: 10 }).items).toHaveLength(0);
  });

  it('a body shorter than its Content-Length, then a half-close: 400, nothing stored', async () => {
    const { engine: e, port } = await startEngine();
    const { head, body } = await signedShop();
    const c = await connect(port);
    c.socket.end(head + body.slice(0, 10));
    const [res] = await c.responses(1);
    expect(res!.status).toBe(400);
    expect(e.store.listEvents({ limit: 10 }).items).toHaveLength(0);
  });

  it('a body shorter than its Content-Length, then silence: 408 once the request timeout passes', async () => {
    const { engine: e, port } = await startEngine({ http: { headersTimeoutMs: 200, requestTimeoutMs: 400 } });
    const { head, body } = await signedShop();
    const c = await connect(port);
    c.socket.write(head + body.slice(0, 10));
    const [res] = await c.responses(1);
    expect(res!.status).toBe(408);
    await c.closed;
    expect(e.store.listEvents({ limit: 10 }).items).toHaveLength(0);
  });
});

describe('connections', () => {
  it('answers pipelined requests in order, each stored', async () => {
    const { engine: e, port } = await startEngine();
    const a = await signedShop('pipe-a');
    const b = await signedShop('pipe-b');
    const c = await connect(port);
    c.socket.write(a.head + a.body + b.head + b.body);
    const res = await c.responses(2);
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    const ids = res.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect((await e.store.getEvent(ids[0]!))?.providerEventId).toBe('pipe-a');
    expect((await e.store.getEvent(ids[1]!))?.providerEventId).toBe('pipe-b');
    c.socket.destroy();
  });

  it('closes a connection that sends no headers once the headers timeout passes', async () => {
    const { port } = await startEngine({ http: { headersTimeoutMs: 200, requestTimeoutMs: 400 } });
    const c = await connect(port);
    c.socket.write('POST /hooks/shop HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and nothing more
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('at its connection cap, closes the oldest idle connections so genuine posts still get in', async () => {
    const cap = 20;
    const { port } = await startEngine({ http: { maxConnections: cap } });
    const idle = [];
    for (let i = 0; i < cap * 2; i++) idle.push(await connect(port));
    // Accepted in order, each past the cap closes the oldest idle one: the first `cap` go.
    await Promise.all(idle.slice(0, cap).map((c) => c.closed));
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const { head, body } = await signedShop();
      const c = await connect(port);
      c.socket.write(head + body);
      statuses.push((await c.responses(1))[0]!.status);
      c.socket.destroy();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // The first genuine post made room by closing the oldest idle connection left; the newest stays.
    await idle[cap]!.closed;
    expect(idle.at(-1)!.socket.destroyed).toBe(false);
    for (const c of idle) c.socket.destroy();
  });
});
