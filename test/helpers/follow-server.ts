// A tiny follow API server that follows shared/follow.ts, for the follower's tests:
// real HTTP on 127.0.0.1 port 0, events in memory. Knobs let a test misbehave on
// purpose: drop every stream, keep a stream open but silent (a dead connection),
// answer 401, send already-sent events again.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FollowedEvent, FollowHello, FollowPage } from '../../shared/follow';
import type { StoredEventWire } from '../../shared/follow-wire';

export interface FakeFollowServer {
  base: string;
  token: string;
  link: string;
  events: FollowedEvent[];
  /** Every cursor acknowledged, in order. */
  acks: string[];
  /** `after` of every page asked for (null: from the start). */
  pagesAfter: (string | null)[];
  /** Last-Event-ID of every stream opened. */
  streamsFrom: (string | null)[];
  /** Fires 'ack', 'page', 'stream' as they happen. */
  emitter: EventEmitter;
  add(n: number, source?: string): FollowedEvent[];
  /** Destroys every open stream connection (the network dropped). */
  dropStreams(): void;
  /** New streams open but get nothing, no ping and no event (a dead connection). */
  silent: boolean;
  /** Streams start from the first event whatever Last-Event-ID says (duplicates on purpose). */
  replayAll: boolean;
  revoked: boolean;
  pingMs: number;
  close(): Promise<void>;
}

export function wireEvent(n: number, source = 'shop'): StoredEventWire {
  const id = `evt_srv_${String(n).padStart(6, '0')}`;
  const text = JSON.stringify({ id: n, total_price: `${n}.00` });
  return {
    id,
    source,
    provider: 'shopify',
    type: 'orders/create',
    status: 'done',
    receivedAt: new Date(1_780_000_000_000 + n * 1000).toISOString(),
    providerEventId: `shopify-${n}`,
    dedupeKey: `orders/create:shopify-${n}`,
    verification: { ok: true, reason: null },
    summary: `Order #${n}`,
    sizeBytes: text.length,
    redeliveries: 0,
    replayOf: null,
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    body: { text },
    payload: JSON.parse(text),
  };
}

export async function startFakeFollowServer(opts: { token?: string; pingMs?: number } = {}): Promise<FakeFollowServer> {
  const token = opts.token ?? 'hdf_test_token_0123456789';
  const streams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const emitter = new EventEmitter();
  const after = (cursor: string | null) => (cursor === null ? 0 : Number(cursor));

  const send = (res: ServerResponse, f: FollowedEvent) =>
    res.write(`id: ${f.cursor}\nevent: event\ndata: ${JSON.stringify(f)}\n\n`);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (fake.revoked || req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
      return;
    }
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/follow/v1/hello') {
      const hello: FollowHello = {
        server: fake.base,
        version: 'test',
        follower: { id: 'fol_1', name: 'Laptop' },
        sources: [
          { id: 'shop', name: 'My shop', provider: 'shopify' },
          { id: 'pay', name: null, provider: 'stripe' },
        ],
      };
      return json(hello);
    }
    if (url.pathname === '/follow/v1/events') {
      const from = url.searchParams.get('after');
      fake.pagesAfter.push(from);
      emitter.emit('page', from);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const start = after(from);
      const events = fake.events.slice(start, start + limit);
      const next = events.at(-1)?.cursor ?? from;
      const page: FollowPage = { events, next, behind: fake.events.length - after(next) };
      return json(page);
    }
    if (url.pathname === '/follow/v1/ack' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const { cursor } = JSON.parse(body) as { cursor: string };
        fake.acks.push(cursor);
        res.writeHead(204).end();
        emitter.emit('ack', cursor);
      });
      return;
    }
    if (url.pathname === '/follow/v1/stream') {
      const last = (req.headers['last-event-id'] as string | undefined) ?? null;
      fake.streamsFrom.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': hello\n\n');
      emitter.emit('stream', last);
      if (fake.silent) return; // open, and nothing more: a connection that died on the way
      for (const f of fake.events.slice(fake.replayAll ? 0 : after(last))) send(res, f);
      streams.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), fake.pingMs);
      res.on('close', () => {
        clearInterval(ping);
        streams.delete(res);
      });
      return;
    }
    res.writeHead(404).end();
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeFollowServer = {
    base,
    token,
    link: `${base}/#${token}`,
    events: [],
    acks: [],
    pagesAfter: [],
    streamsFrom: [],
    emitter,
    silent: false,
    replayAll: false,
    revoked: false,
    pingMs: opts.pingMs ?? 15_000,
    add(n, source) {
      const made: FollowedEvent[] = [];
      for (let i = 0; i < n; i++) {
        const k = fake.events.length + 1;
        const f = { cursor: String(k), event: wireEvent(k, source) };
        fake.events.push(f);
        made.push(f);
        for (const res of streams) send(res, f);
      }
      return made;
    },
    dropStreams() {
      for (const res of streams) res.socket?.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
  return fake;
}
