// Bench: the job scheduler. Run: node --expose-gc --import tsx test/bench/jobs.ts
// Figures: RSS with a 10,000-job backlog vs idle (target: within 50 MB),
// enqueue and dispatch throughput of no-op jobs, restart pick-up time;
// on the real store (fsync'd) and on an in-memory one (the scheduler alone).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScheduler } from '../../electron/engine/jobs/scheduler';
import { createStore } from '../../electron/engine/store';
import type { Collection, Store } from '../../electron/engine/store/types';
import { createLogger } from '../../electron/engine/util/logger';

const N = 10_000;
const BATCH = 500;
const logger = createLogger('bench', { level: 'warn' });
const policy = { maxAttempts: 5, initialDelayMs: 10_000, maxDelayMs: 3_600_000 };

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
async function rssMb(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().rss / 1024 / 1024;
}
const fmt = (n: number, d = 1) => n.toFixed(d);

function memoryStore(): Store {
  const map = new Map<string, { id: string }>();
  const col: Collection<{ id: string }> = {
    put: async (r) => void map.set(r.id, r),
    delete: async (id) => void map.delete(id),
    get: (id) => map.get(id),
    values: () => map.values(),
    get size() {
      return map.size;
    },
  };
  return { open: async () => {}, close: async () => {}, collection: () => col } as unknown as Store;
}

async function enqueueAll(s: ReturnType<typeof createScheduler>, dueAt: (i: number) => number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++)
      batch.push(s.enqueue({ kind: 'noop', refId: `ref_${j}`, policy, dueAt: dueAt(j) }));
    await Promise.all(batch);
  }
  return performance.now() - t0;
}

async function drain(s: ReturnType<typeof createScheduler>, limitMs = 60_000): Promise<number> {
  const t0 = performance.now();
  while (s.pendingCount() > 0) {
    if (performance.now() - t0 > limitMs) throw new Error(`still ${s.pendingCount()} jobs pending after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - t0;
}

async function run(label: string, makeStore: (dir: string) => Store): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hookdock-bench-jobs-'));
  try {
    // Backlog: 10,000 jobs due in an hour.
    let store = makeStore(dir);
    await store.open();
    let s = createScheduler({ store, logger, concurrency: () => 4 });
    s.register('noop', { run: async () => ({ ok: true }) });
    await s.start();
    const idle = await rssMb();
    const later = Date.now() + 3_600_000;
    const enqMs = await enqueueAll(s, (i) => later + i);
    const backlog = await rssMb();
    console.log(`[${label}] enqueue ${N} jobs: ${fmt(enqMs, 0)} ms (${fmt((N / enqMs) * 1000, 0)} jobs/s)`);
    console.log(
      `[${label}] RSS idle ${fmt(idle)} MB, with ${N} pending ${fmt(backlog)} MB: +${fmt(backlog - idle)} MB (target < 50 MB)`,
    );

    // Restart with the backlog: how long start() takes to pick it up.
    await s.stop();
    await store.close();
    if (label === 'real store') {
      store = makeStore(dir);
      const t0 = performance.now();
      await store.open();
      s = createScheduler({ store, logger, concurrency: () => 4 });
      s.register('noop', { run: async () => ({ ok: true }) });
      await s.start();
      console.log(
        `[${label}] restart: store open + scheduler start with ${s.pendingCount()} pending: ${fmt(performance.now() - t0, 0)} ms`,
      );
      await s.stop();
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Dispatch: 10,000 no-op jobs due now, concurrency 4.
  const dir2 = await mkdtemp(join(tmpdir(), 'hookdock-bench-jobs-'));
  try {
    const store = makeStore(dir2);
    await store.open();
    const s = createScheduler({ store, logger, concurrency: () => 4 });
    let ran = 0;
    s.register('noop', {
      run: async () => {
        ran++;
        return { ok: true };
      },
    });
    await s.start();
    const t0 = performance.now();
    await enqueueAll(s, () => Date.now());
    await drain(s);
    const ms = performance.now() - t0;
    console.log(
      `[${label}] enqueue + run ${ran} no-op jobs (concurrency 4): ${fmt(ms, 0)} ms (${fmt((ran / ms) * 1000, 0)} jobs/s)`,
    );
    await s.stop();
    await store.close();
  } finally {
    await rm(dir2, { recursive: true, force: true });
  }
}

await run('memory store', () => memoryStore());
await run('real store', (dataDir) => createStore({ dataDir, logger }));
