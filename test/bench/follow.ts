// Bench: follow mode (issue #15) with two real `hookdock serve` processes on loopback.
//  1. Latency from the server's acknowledgement (its 200 to the sender) to the event being
//     stored on the follower (its 'event.created' on the follower's dashboard stream, which
//     is emitted once the event is durable there). Goal: p50 <= 20 ms, p99 <= 100 ms.
//  2. Catch-up speed: 100,000 events already on the server (written through the store API
//     before it starts), then a new follower starts; events/s until it stored them all.
//     Goal: >= 5,000 events/s. Then the same gap served from memory, to tell the follower's
//     own ingest speed from the server's page reads.
// Run: node --expose-gc --import tsx test/bench/follow.ts   (or npm run bench follow)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createParser } from 'eventsource-parser';
import { createStore } from '../../electron/engine/store';
import type { StoredEvent } from '../../electron/engine/store/types';
import { newId } from '../../electron/engine/util/ids';
import { memoryLogger } from '../../electron/engine/util/logger';
import type { Status } from '../../shared/types';
import { startFakeFollowServer } from '../helpers/follow-server';
import { dashboardApi, ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';

const LATENCY_EVENTS = 400;
const GAP = 100_000;
const procs: ServeProcess[] = [];
const dirs: string[] = [];

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function serverAndFollower(prefill = 0) {
  const serverDir = await mkdtemp(join(tmpdir(), 'hookdock-bench-follow-srv-'));
  const followerDir = await mkdtemp(join(tmpdir(), 'hookdock-bench-follow-fol-'));
  dirs.push(serverDir, followerDir);
  const config = { tunnel: { provider: 'none' }, sources: [{ id: 'shop', provider: 'none' }] };
  await writeFile(join(serverDir, 'config.json'), JSON.stringify(config));
  await writeFile(join(followerDir, 'config.json'), JSON.stringify({ tunnel: { provider: 'none' } }));
  let prefillMs = 0;
  if (prefill) prefillMs = await prefillStore(serverDir, prefill);
  const server = await startServe(serverDir, { args: ['--follow-port', '0'], timeoutMs: 120_000 });
  procs.push(server);
  const res = await dashboardApi<{ pairingLink: string }>(server, '/api/followers', {
    method: 'POST',
    body: JSON.stringify({ name: 'bench' }),
  });
  return { server, followerDir, link: res.body.pairingLink, prefillMs };
}

async function prefillStore(dataDir: string, count: number): Promise<number> {
  const t0 = performance.now();
  const store = createStore({ dataDir, logger: memoryLogger() });
  await store.open();
  const now = Date.now();
  const span = 6 * 3600 * 1000;
  for (let i = 0; i < count; i += 2000) {
    const writes: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + 2000); j++) {
      const at = now - span + Math.floor((span * j) / count);
      const text = JSON.stringify({ id: `order-${j}`, total: '59.00', currency: 'EUR', note: 'x'.repeat(300) });
      const event: StoredEvent = {
        id: newId('evt', at),
        source: 'shop',
        provider: 'none',
        type: 'orders/create',
        status: 'received',
        receivedAt: new Date(at).toISOString(),
        providerEventId: `order-${j}`,
        verification: { ok: true, reason: null },
        summary: null,
        sizeBytes: text.length,
        redeliveries: 0,
        replayOf: null,
        headers: { 'content-type': 'application/json' },
        body: { text },
        payload: JSON.parse(text),
      };
      writes.push(store.appendEvent(event));
    }
    await Promise.all(writes);
  }
  await store.close();
  return performance.now() - t0;
}

/** Calls `onCreated(id, at)` for every event the follower stores, from its dashboard stream. */
async function watchCreated(follower: ServeProcess, onCreated: (id: string, at: number) => void) {
  const ctl = new AbortController();
  const res = await fetch(`${follower.dashboardBase}/api/stream`, {
    headers: { authorization: `Bearer ${follower.token}` },
    signal: ctl.signal,
  });
  const parser = createParser({
    onEvent: (m) => {
      if (m.event === 'event.created') onCreated((JSON.parse(m.data) as { id: string }).id, performance.now());
    },
  });
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk));
  })().catch(() => undefined);
  return () => ctl.abort();
}

async function latency() {
  const { server, followerDir, link } = await serverAndFollower();
  const follower = await startServe(followerDir, { args: ['--follow', link], timeoutMs: 60_000 });
  procs.push(follower);
  for (;;) {
    const s = (await dashboardApi<Status>(follower, '/api/status')).body.follow;
    if (s?.state === 'following') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const stored = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const stop = await watchCreated(follower, (id, at) => {
    stored.set(id, at);
    waiting.get(id)?.();
  });
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const res = await fetch(`${server.receiverUrl}/hooks/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-event': 'orders/create' },
      body: JSON.stringify({ id: `lat-${i}`, total: i }),
    });
    const ackAt = performance.now();
    const { id } = (await res.json()) as { id: string };
    const at =
      stored.get(id) ??
      (await new Promise<number>((ok) => waiting.set(id, () => ok(stored.get(id)!))).finally(() => waiting.delete(id)));
    // A few ms of the first wait may be the stream's own start: the first 20 are warm-up.
    if (i >= 20) samples.push(Math.max(0, at - ackAt));
  }
  stop();
  const p50 = quantile(samples, 0.5);
  const p99 = quantile(samples, 0.99);
  console.log(
    `  server ack -> follower stored, ${samples.length} events one at a time: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms` +
      `  (goal p50 <= 20 ms, p99 <= 100 ms: ${p50 <= 20 && p99 <= 100 ? 'met' : 'NOT met'})`,
  );
}

async function catchUp() {
  console.log(`\n[writing ${GAP.toLocaleString('en')} events on the server through the store]`);
  const { followerDir, link, prefillMs } = await serverAndFollower(GAP);
  console.log(`  written in ${(prefillMs / 1000).toFixed(1)} s`);
  const t0 = performance.now();
  const follower = await startServe(followerDir, { args: ['--follow', link], timeoutMs: 120_000 });
  procs.push(follower);
  const ready = performance.now();
  let status: Status;
  for (;;) {
    status = (await dashboardApi<Status>(follower, '/api/status')).body;
    if (status.counts.events >= GAP && status.follow?.state === 'following') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const done = performance.now();
  const rate = GAP / ((done - ready) / 1000);
  console.log(
    `  catch-up after a ${GAP.toLocaleString('en')}-event gap: ${((done - ready) / 1000).toFixed(1)} s from the follower's start-up (${Math.round(rate).toLocaleString('en')} events/s;` +
      ` ${((done - t0) / 1000).toFixed(1)} s with process start)  (goal >= 5,000 events/s: ${rate >= 5000 ? 'met' : 'NOT met'})`,
  );
  console.log(`  follower stored ${status.counts.events.toLocaleString('en')} events`);
}

/**
 * The follower's own ingest speed, apart from how fast the server reads its pages: the same
 * gap served from memory by the test's small follow API server (test/helpers/follow-server.ts).
 */
async function ingestOnly() {
  const fake = await startFakeFollowServer();
  try {
    for (let i = 0; i < GAP; i += 10_000) fake.add(Math.min(10_000, GAP - i));
    const followerDir = await mkdtemp(join(tmpdir(), 'hookdock-bench-follow-fol-'));
    dirs.push(followerDir);
    await writeFile(join(followerDir, 'config.json'), JSON.stringify({ tunnel: { provider: 'none' } }));
    const follower = await startServe(followerDir, { args: ['--follow', fake.link], timeoutMs: 120_000 });
    procs.push(follower);
    const ready = performance.now();
    for (;;) {
      const status = (await dashboardApi<Status>(follower, '/api/status')).body;
      if (status.counts.events >= GAP && status.follow?.state === 'following') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const secs = (performance.now() - ready) / 1000;
    console.log(
      `  the follower alone (pages served from memory): ${GAP.toLocaleString('en')} events in ${secs.toFixed(1)} s (${Math.round(GAP / secs).toLocaleString('en')} events/s)`,
    );
  } finally {
    await fake.close();
  }
}

async function main() {
  await ensureBuilt();
  try {
    await latency();
    await catchUp();
    await ingestOnly();
  } finally {
    for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

await main();
