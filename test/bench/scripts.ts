// Scripts benchmark: node --expose-gc --import tsx test/bench/scripts.ts
// 1. event -> script start latency at light load (one event at a time), p50/p99
//    (target <= 10 / 50 ms): from the moment the event is durably stored and
//    handed to the automations, to the spawn() of its script.
// 2. runs/s of a trivial script through the whole service (store, scheduler,
//    runner, records) against a tight loop spawning the same script with the
//    same concurrency, in the same process (target ratio >= 0.8).
// 3. RSS with a 10,000-job backlog (automations paused) against idle
//    (target: within 50 MB).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSettled, script, startHarness, storedEvent, type Harness } from '../engine/automations-harness';
import { waitFor } from '../helpers/tmp';
import { createScriptLauncher } from '../../electron/engine/automations/launcher/launcher';
import type { SpawnScript } from '../../electron/engine/automations/launcher/types';
import { createLogger } from '../../electron/engine/util/logger';

const TRIVIAL = script('trivial.sh');
const CONCURRENCY = 4;
const deadline = Date.now() + 110_000;

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

function config() {
  return {
    automations: [
      {
        id: 'trivial',
        events: ['*'],
        run: { command: TRIVIAL, args: [], timeoutSeconds: 30 },
        retry: { schedule: [] },
      },
    ],
    tunnel: { provider: 'none' as const },
    limits: { concurrency: CONCURRENCY },
  };
}

async function withHarness<T>(fn: (h: Harness, spawns: Map<string, number>) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hookdock-bench-scripts-'));
  // The service's own launcher (a helper process starts the scripts), noting when each
  // run's script process exists (its 'spawn' event), not merely when it was asked for.
  const launcher = createScriptLauncher({ logger: createLogger('bench', { level: 'error' }) });
  const spawns = new Map<string, number>();
  const timedSpawn: SpawnScript = (file, args, opts) => {
    const child = launcher.spawn(file, args, opts);
    const runId = opts.env?.HOOKDOCK_RUN_ID;
    if (runId) child.on('spawn', () => spawns.set(runId, performance.now()));
    return child;
  };
  const h = await startHarness(dir, config(), { spawn: timedSpawn });
  try {
    return await fn(h, spawns);
  } finally {
    await h.close();
    launcher.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function latency(): Promise<void> {
  await withHarness(async (h, spawns) => {
    // Context: a run starts after three durable store writes (run, job, job active).
    const meta = h.store.collection<{ id: string }>('meta');
    const writes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await meta.put({ id: `bench-${i}` });
      writes.push(performance.now() - t);
    }
    console.log(
      `store durable write (fsync) on ${tmpdir()}: p50 ${pct(writes, 50).toFixed(2)} ms, p99 ${pct(writes, 99).toFixed(2)} ms`,
    );
    const samples: number[] = [];
    for (let i = 0; i < 230 && Date.now() < deadline - 80_000; i++) {
      const stored = await h.store.appendEvent(storedEvent());
      const t0 = performance.now();
      await h.automations.onEvent(stored.summary);
      const [run] = await h.waitRun(stored.id, allSettled, 10_000);
      // Light load: the next event comes once the last run's bookkeeping is done.
      await waitFor(() => h.automations.counts().jobsPending === 0, 10_000, 'the job to finish');
      await new Promise((r) => setTimeout(r, 20));
      if (i >= 30) samples.push(spawns.get(run.id)! - t0); // the first ones warm up
    }
    console.log(
      `event -> script start (n=${samples.length}): p50 ${pct(samples, 50).toFixed(1)} ms, p99 ${pct(samples, 99).toFixed(1)} ms (target <= 10 / 50 ms)`,
    );
  });
}

/** The same script, spawned the same way (stdin envelope, pipes), CONCURRENCY at a time, n times. */
async function tightLoop(n: number): Promise<number> {
  const envelope = JSON.stringify(storedEvent());
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n) {
      next++;
      await new Promise<void>((resolve) => {
        const child: ChildProcess = spawn('sh', [TRIVIAL], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
        child.stdout!.resume();
        child.stderr!.resume();
        child.stdin!.on('error', () => undefined);
        child.stdin!.end(envelope);
        child.on('close', () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return n / ((performance.now() - started) / 1000);
}

async function throughput(): Promise<void> {
  const n = 300;
  const { service, loop } = await withHarness(async (h) => {
    // Store the events first: this measures runs, not the receiver.
    const events = [];
    for (let i = 0; i < n; i += 50) {
      events.push(
        ...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => h.store.appendEvent(storedEvent())))),
      );
    }
    // The loop runs in this same process with the service loaded, before and after it:
    // spawn() cost grows with the parent's memory, so both must pay the same.
    const before = await tightLoop(n / 2);
    // The end is noted the moment the last job goes (not at waitFor's next 25 ms poll).
    let ended = 0;
    const off = h.automations.onCountsChanged!(() => {
      if (!ended && h.automations.scheduler.pendingCount() === 0) ended = performance.now();
    });
    const started = performance.now();
    await Promise.all(events.map((e) => h.automations.onEvent(e.summary)));
    await waitFor(() => ended > 0, 100_000, 'all runs');
    off();
    const elapsed = (ended - started) / 1000;
    const after = await tightLoop(n / 2);
    const failed = events.filter((e) => h.automations.runsForEvent(e.id)[0]?.status !== 'succeeded').length;
    if (failed) console.log(`  (${failed} runs did not succeed)`);
    return { service: n / elapsed, loop: (before + after) / 2 };
  });
  console.log(
    `trivial script, ${n} runs, concurrency ${CONCURRENCY}: service ${service.toFixed(0)} runs/s, tight spawn loop ${loop.toFixed(0)} /s, ratio ${(service / loop).toFixed(2)} (target >= 0.8)`,
  );
}

async function backlog(): Promise<void> {
  await withHarness(async (h) => {
    await h.automations.handlers.setAutomationsPaused({ paused: true });
    gc();
    await new Promise((r) => setTimeout(r, 200));
    gc();
    const idle = process.memoryUsage().rss;
    const total = 10_000;
    for (let i = 0; i < total; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          const stored = await h.store.appendEvent(storedEvent());
          await h.automations.onEvent(stored.summary);
        }),
      );
    }
    gc();
    await new Promise((r) => setTimeout(r, 200));
    gc();
    const loaded = process.memoryUsage().rss;
    console.log(
      `RSS idle ${mb(idle)} MB, with a ${h.automations.counts().jobsPending}-job backlog ${mb(loaded)} MB: +${mb(loaded - idle)} MB (target <= +50 MB)`,
    );
  });
}

await latency();
await throughput();
await backlog();
process.exit(0);
