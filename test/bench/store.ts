// Store benchmark: durable appends/s and latency (200 in flight, 1 KB bodies)
// on an empty store and on one holding 100,000 events, then open() time and
// RSS for 100,000 events, measured in a fresh process.
// Run: node --expose-gc --import tsx test/bench/store.ts
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../electron/engine/store';
import type { Store, StoredEvent } from '../../electron/engine/store/types';
import { createLogger } from '../../electron/engine/util/logger';
import { makeEvent } from '../engine/store-helpers';

const IN_FLIGHT = 200;
const MEASURED = 20_000;
const STORED = 100_000;
const logger = createLogger('bench', { level: 'warn' });

let counter = 0;
function event(): StoredEvent {
  const i = counter++;
  const payload = { id: `evt_${i}`, type: 'order.created', data: { n: i, note: 'x'.repeat(900) } };
  const text = JSON.stringify(payload);
  // 1 KB bodies from two sources and two types, so the indexes have something to split.
  return makeEvent(i, {
    source: i % 3 ? 'shop' : 'payments',
    type: i % 5 ? 'orders/create' : 'refunds/create',
    sizeBytes: text.length,
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    body: { text },
    payload,
  });
}

async function appendMany(
  store: Store,
  total: number,
): Promise<{ perSec: number; p50: number; p99: number; cpuUsPerAppend: number }> {
  const latencies: number[] = [];
  let left = total;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    while (left-- > 0) {
      const t = performance.now();
      await store.appendEvent(event());
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    perSec: Math.round(total / seconds),
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    // CPU (this process, including building the test events): the figure that
    // does not depend on how busy the shared machine is.
    cpuUsPerAppend: Math.round((used.user + used.system) / total),
  };
}

async function openOnly(dataDir: string): Promise<void> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const store = createStore({ dataDir, logger });
  await store.open();
  const ms = performance.now() - t;
  const cpuUsed = process.cpuUsage(cpu);
  const t1 = performance.now();
  // A search that matches nothing scans the whole index: the worst case.
  const listed = store.listEvents({ limit: 50, q: 'no such order' }).items.length;
  const searchMs = performance.now() - t1;
  const t2 = performance.now();
  const some = await store.getEvent(store.listEvents({ limit: 1 }).items[0].id);
  const old = store.listEvents({ limit: 1, cursor: undefined, source: 'payments', q: 'order #3' }).items[0];
  const oldEvent = old ? await store.getEvent(old.id) : undefined;
  const getMs = performance.now() - t2;
  const rss = process.memoryUsage().rss;
  console.log(
    JSON.stringify({
      openMs: Math.round(ms),
      openCpuMs: Math.round((cpuUsed.user + cpuUsed.system) / 1000),
      rssMB: Math.round(rss / 1e6),
      events: store.eventCounts(Date.now()).events,
      listed,
      searchMs: Math.round(searchMs),
      getMs: Math.round(getMs),
      got: Boolean(some && oldEvent),
    }),
  );
  await store.close();
}

async function main(): Promise<void> {
  if (process.argv[2] === '--open-only') return openOnly(process.argv[3]);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookdock-bench-store-'));
  try {
    const store = createStore({ dataDir, logger });
    await store.open();
    const empty = await appendMany(store, MEASURED);
    const line = (r: typeof empty) =>
      `${r.perSec} durable appends/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, CPU ${r.cpuUsPerAppend} us/append`;
    console.log(
      `machine load average: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    console.log(`empty store:   ${line(empty)}`);
    const fillStart = performance.now();
    await appendMany(store, STORED - MEASURED);
    console.log(`filled to ${STORED} events in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
    const full = await appendMany(store, MEASURED);
    console.log(`100k store:    ${line(full)}`);
    console.log(
      `ratio (100k / empty) appends/s: ${(full.perSec / empty.perSec).toFixed(2)}, p50 ${(full.p50 / empty.p50).toFixed(2)}`,
    );
    await store.close();
    const self = fileURLToPath(import.meta.url);
    // Three fresh processes; the median (the machine is shared, one run can be unlucky).
    const runs = [0, 1, 2].map(() => {
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--open-only', dataDir], {
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(child.stderr);
      return child.stdout.trim().split('\n').at(-1)!;
    });
    const parsed = runs.map((line) => JSON.parse(line) as { openMs: number });
    const r = parsed.sort((a, b) => a.openMs - b.openMs)[1] as {
      openMs: number;
      openCpuMs: number;
      rssMB: number;
      events: number;
      getMs: number;
      searchMs: number;
    };
    console.log(
      `open() with ${r.events} events: ${r.openMs} ms (CPU ${r.openCpuMs} ms), RSS ${r.rssMB} MB after open (fresh process, median of 3: ${parsed.map((p) => p.openMs).join('/')} ms); getEvent of 2 events in sealed segments ${r.getMs} ms; full-scan search ${r.searchMs} ms`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
