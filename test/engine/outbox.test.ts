// The outbox end to end: real store files in a temp dir, the real scheduler,
// real HTTP destinations on 127.0.0.1 port 0, signatures checked with the
// standardwebhooks library.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../shared/config';
import type { Delivery } from '../../shared/types';
import { createScheduler, type Scheduler } from '../../electron/engine/jobs/scheduler';
import { createOutbox, type Outbox } from '../../electron/engine/outbox/outbox';
import { RESPONSE_BODY_LIMIT } from '../../electron/engine/outbox/http';
import type { Store } from '../../electron/engine/store/types';
import { createStore } from '../../electron/engine/store';
import { createBus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

interface Seen {
  at: number;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = (res: ServerResponse, n: number) => void;

/** A destination that records every request and answers with replies[n] (the last one repeats). */
async function destination(replies: Reply[]): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        at: Date.now(),
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const n = seen.length - 1;
      replies[Math.min(n, replies.length - 1)](res, n);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
const status =
  (code: number, headers: Record<string, string> = {}, body = ''): Reply =>
  (res) => {
    res.writeHead(code, headers);
    res.end(body);
  };

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const fast = { schedule: [30, 30, 30] };

let dir: string;
let store: Store;
let scheduler: Scheduler;
let outbox: Outbox;
let config: Config;
let updates: Delivery[];
let gone: string[];
let servers: { close: () => Promise<void> }[];

async function boot(): Promise<void> {
  store = createStore({ dataDir: dir, logger: memoryLogger() });
  await store.open();
  const bus = createBus();
  bus.on('delivery.updated', (d) => updates.push(d));
  scheduler = createScheduler({ store, logger: memoryLogger(), concurrency: () => 4, stopTimeoutMs: 300 });
  outbox = createOutbox({
    store,
    scheduler,
    bus,
    logger: memoryLogger(),
    getConfig: () => config,
    version: '9.9.9',
    onDestinationGone: async (id) => {
      gone.push(id);
      config = configSchema.parse({
        ...config,
        destinations: config.destinations.map((d) => (d.id === id ? { ...d, enabled: false } : d)),
      });
    },
  });
  await scheduler.start();
  await outbox.recover();
}

async function shutdown(): Promise<void> {
  await scheduler.stop();
  await store.close();
}

function useDestination(url: string, extra: Record<string, unknown> = {}): void {
  config = configSchema.parse({ destinations: [{ id: 'dest', url, secret, retry: fast, ...extra }] });
}

async function settled(id: string, timeoutMs = 5000): Promise<Delivery> {
  return waitFor(
    () => {
      const d = outbox.get(id);
      return d && (d.status === 'delivered' || d.status === 'failed') ? d : undefined;
    },
    timeoutMs,
    `delivery ${id} to settle`,
  );
}

const send = (type = 'agent_action_completed', data: unknown = { order: 1042 }) =>
  outbox.send({ destinationId: 'dest', type, data, eventId: 'evt_1', runId: 'run_1' });

beforeEach(async () => {
  dir = await makeTempDir();
  updates = [];
  gone = [];
  servers = [];
  config = configSchema.parse({});
  await boot();
});
afterEach(async () => {
  await shutdown();
  await Promise.all(servers.map((s) => s.close()));
  await removeDir(dir);
});

describe('outbox', () => {
  it('retries 500s with the same webhook-id and a verifiable signature, then is delivered', async () => {
    const dest = await destination([status(500, {}, 'nope'), status(500), status(204)]);
    servers.push(dest);
    useDestination(dest.url);
    const sent = await send('order.flagged', { order: 1042, note: 'é' });
    expect(sent.status).toBe('pending');
    expect(sent.webhookId).toMatch(/^msg_/);

    const d = await settled(sent.id);
    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    expect(d.attempts[0]).toMatchObject({ responseBody: 'nope', error: 'The destination answered 500.' });
    expect(d.attempts[2].error).toBeNull();
    expect(d.nextAttemptAt).toBeNull();

    expect(dest.seen).toHaveLength(3);
    const wh = new Webhook(secret);
    for (const req of dest.seen) {
      expect(req.headers['webhook-id']).toBe(sent.webhookId);
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['user-agent']).toBe('Hookdock/9.9.9');
      const payload = wh.verify(req.body, req.headers as Record<string, string>);
      expect(payload).toEqual({ type: 'order.flagged', timestamp: sent.createdAt, data: { order: 1042, note: 'é' } });
    }
    // Statuses as the UI sees them, in order.
    // (A failed attempt is recorded while still 'delivering', hence the collapse of repeats.)
    const seq = updates
      .filter((u) => u.id === sent.id)
      .map((u) => u.status)
      .filter((s, i, all) => s !== all[i - 1]);
    expect(seq).toEqual(['pending', 'delivering', 'retrying', 'delivering', 'retrying', 'delivering', 'delivered']);
    const retrying = updates.find((u) => u.id === sent.id && u.status === 'retrying');
    expect(retrying?.nextAttemptAt).toMatch(/^\d{4}-/);
    expect(outbox.forEvent('evt_1').map((x) => x.id)).toEqual([sent.id]);
    expect(outbox.counts()).toEqual({ failed: 0, pending: 0 });
  });

  it('honours Retry-After: the next attempt is not before it', async () => {
    const dest = await destination([status(503, { 'retry-after': '1' }), status(200)]);
    servers.push(dest);
    useDestination(dest.url);
    const sent = await send();
    const retrying = await waitFor(() => updates.find((u) => u.id === sent.id && u.status === 'retrying'));
    expect(Date.parse(retrying.nextAttemptAt!) - dest.seen[0].at).toBeGreaterThanOrEqual(950);
    const d = await settled(sent.id);
    expect(d.status).toBe('delivered');
    expect(dest.seen[1].at - dest.seen[0].at).toBeGreaterThanOrEqual(990);
  });

  it('410 Gone stops at once, fails the delivery and turns the destination off', async () => {
    const dest = await destination([status(410), status(200)]);
    servers.push(dest);
    useDestination(dest.url);
    const sent = await send();
    const d = await settled(sent.id);
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0].statusCode).toBe(410);
    expect(gone).toEqual(['dest']);
    expect(config.destinations[0].enabled).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(dest.seen).toHaveLength(1);
    expect(scheduler.jobFor(sent.id)?.state).toBe('dead');
    expect(outbox.counts()).toEqual({ failed: 1, pending: 0 });
    // Later sends to a disabled destination fail at once, with the reason.
    const next = await send();
    expect(next.status).toBe('failed');
    expect(next.attempts[0].error).toMatch(/turned off/);
    expect(dest.seen).toHaveLength(1);
  });

  it('a redirect is not success and is not followed', async () => {
    const dest = await destination([status(302, { location: '/elsewhere' })]);
    servers.push(dest);
    useDestination(dest.url);
    const sent = await send();
    const d = await settled(sent.id);
    expect(d.status).toBe('failed');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([302, 302, 302, 302]);
    expect(d.attempts[0].error).toMatch(/redirect/i);
    expect(dest.seen.every((s) => s.url === '/hooks')).toBe(true);
  });

  it('a timeout is retried', async () => {
    const slow: Reply = (res) => setTimeout(() => res.writeHead(200).end(), 1500).unref();
    const dest = await destination([slow, status(200)]);
    servers.push(dest);
    useDestination(dest.url, { timeoutMs: 150 });
    const sent = await send();
    const d = await settled(sent.id);
    expect(d.status).toBe('delivered');
    expect(d.attempts[0]).toMatchObject({ statusCode: null, error: 'The destination did not answer within 0.15 s.' });
    expect(d.attempts[0].durationMs).toBeGreaterThanOrEqual(140);
    expect(d.attempts[0].durationMs).toBeLessThan(1400);
    expect(d.attempts[1].statusCode).toBe(200);
  });

  it('a refused connection is retried with the error recorded, then dead-lettered and retryable by hand', async () => {
    const dest = await destination([status(200)]);
    const url = dest.url;
    await dest.close();
    useDestination(url);
    const sent = await send();
    const d = await settled(sent.id);
    expect(d.status).toBe('failed');
    expect(d.attempts).toHaveLength(4);
    for (const a of d.attempts) expect(a.error).toMatch(/ECONNREFUSED/);
    expect(outbox.counts().failed).toBe(1);

    const again = await outbox.retryNow(sent.id);
    expect(['pending', 'delivering']).toContain(again.status);
    const d2 = await waitFor(() => {
      const now = outbox.get(sent.id)!;
      return now.attempts.length === 8 && now.status === 'failed' ? now : undefined;
    });
    expect(d2.status).toBe('failed');
    expect(d2.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(outbox.retryNow('dlv_nope')).rejects.toMatchObject({ status: 404 });
  });

  it('keeps only the first 4 KiB of a response', async () => {
    const dest = await destination([status(200, {}, 'x'.repeat(64 * 1024))]);
    servers.push(dest);
    useDestination(dest.url);
    const d = await settled((await send()).id);
    expect(d.status).toBe('delivered');
    expect(d.attempts[0].responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
  });

  it('an unknown destination fails at send time with the reason', async () => {
    const d = await outbox.send({ destinationId: 'ghost', type: 't', data: null, eventId: null, runId: null });
    expect(d.status).toBe('failed');
    expect(d.attempts[0].error).toBe(
      'There is no destination "ghost": add it in the Outbox (Destinations), or correct the name in the script, then retry this send.',
    );
    expect(scheduler.jobFor(d.id)).toBeUndefined();
    expect(outbox.counts().failed).toBe(1);
  });

  it('a send to a destination added later (typed "Bookkeeper", saved as id bookkeeper) is delivered on retry', async () => {
    const d = await outbox.send({
      destinationId: 'Bookkeeper',
      type: 't',
      data: { n: 1 },
      eventId: 'evt_1',
      runId: null,
    });
    expect(d.status).toBe('failed');
    expect(outbox.counts().failed).toBe(1);
    const dest = await destination([status(200)]);
    servers.push(dest);
    config = configSchema.parse({
      destinations: [{ id: 'bookkeeper', name: 'Bookkeeper', url: dest.url, secret, retry: fast }],
    });
    await outbox.retryNow(d.id);
    const done = await settled(d.id);
    expect(done.status).toBe('delivered');
    expect(done.destinationId).toBe('bookkeeper');
    expect(dest.seen).toHaveLength(1);
    expect(outbox.counts().failed).toBe(0);
  });

  it('a malformed send is a failed delivery that a retry cannot send', async () => {
    const d = await outbox.send({
      destinationId: 'dest',
      type: '',
      data: null,
      eventId: 'evt_1',
      runId: null,
      error: 'stdout line 3: the send needs a "type" (a short name such as "order.tagged").',
    });
    expect(d.status).toBe('failed');
    expect(d.attempts[0].error).toMatch(/needs a "type"/);
    const again = await outbox.retryNow(d.id);
    expect(again.status).toBe('failed');
    expect(again.attempts.at(-1)?.error).toMatch(/correct the script/);
  });

  it('a retry pending at shutdown is delivered after the restart', async () => {
    const dest = await destination([status(500), status(200)]);
    servers.push(dest);
    useDestination(dest.url, { retry: { schedule: [400] } });
    const sent = await send();
    await waitFor(() => outbox.get(sent.id)?.status === 'retrying');
    await shutdown();
    expect(dest.seen).toHaveLength(1);

    await boot();
    expect(outbox.get(sent.id)?.status).toBe('retrying');
    expect(scheduler.pendingCount()).toBe(1);
    const d = await settled(sent.id);
    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
    expect(dest.seen[1].headers['webhook-id']).toBe(dest.seen[0].headers['webhook-id']);
  });

  it('a delivery cut short by shutdown is not recorded and is sent again (same webhook-id) after the restart', async () => {
    const hang: Reply = () => {}; // never answers; closed with the server
    const dest = await destination([hang, status(200)]);
    servers.push(dest);
    useDestination(dest.url, { timeoutMs: 60_000 });
    const sent = await send();
    await waitFor(() => dest.seen.length === 1);
    const t0 = Date.now();
    await shutdown();
    expect(Date.now() - t0).toBeLessThan(3000);

    await boot();
    const d = await settled(sent.id);
    expect(d.status).toBe('delivered');
    expect(d.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([[1, 200]]);
    expect(dest.seen.map((r) => r.headers['webhook-id'])).toEqual([sent.webhookId, sent.webhookId]);
  });

  it('lists newest first with a cursor and a status filter', async () => {
    const dest = await destination([status(200)]);
    servers.push(dest);
    useDestination(dest.url);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await send('t', { i })).id);
    await outbox.send({ destinationId: 'ghost', type: 't', data: null, eventId: null, runId: null });
    await waitFor(() => ids.every((id) => outbox.get(id)?.status === 'delivered'));
    const p1 = outbox.list({ status: 'delivered', limit: 3 });
    expect(p1.items.map((d) => d.id)).toEqual(ids.slice(2).reverse());
    const p2 = outbox.list({ status: 'delivered', limit: 3, cursor: p1.nextCursor! });
    expect(p2.items.map((d) => d.id)).toEqual(ids.slice(0, 2).reverse());
    expect(p2.nextCursor).toBeNull();
    expect(outbox.list({ status: 'failed', limit: 10 }).items).toHaveLength(1);
    expect(outbox.list({ limit: 100 }).items).toHaveLength(6);
  });
});
