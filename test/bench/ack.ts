// Bench: how fast `hookdock serve` acknowledges webhooks durably (fsync'd
// before the 200), against a bare express endpoint that answers 200 without
// storing anything. Same client, same bodies, rounds alternated so both see the
// same machine load. Then the same with 100,000 events already stored, plus
// start-up time to a healthy receiver and the serve process's memory.
//
// Source: an `hmac` source (HMAC-SHA256, hex, X-Signature), so every request
// pays a realistic but small signature check; events carry unique ids.
// Run: node --expose-gc --import tsx test/bench/ack.ts   (or npm run bench ack)
// With HOOKDOCK_BENCH_BASELINE=/path/to/old/checkout (dist/ built) it first compares
// that build's acks/s and CPU per ack with this one's (_ack-baseline.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '../../electron/engine/store';
import type { StoredEvent } from '../../electron/engine/store/types';
import { newId } from '../../electron/engine/util/ids';
import { memoryLogger } from '../../electron/engine/util/logger';
import { ROOT, ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { compareWithBaseline } from './_ack-baseline';
import {
  BODY_BYTES,
  CONCURRENCY,
  CONFIG,
  cpuUs,
  makeBody,
  median,
  nonOk,
  round,
  signedHeaders,
  type RoundResult,
} from './_ack-client';

const ROUND_MS = 3000;
const ROUNDS = 3;
const PREFILL = 100_000;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Summary {
  acksPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}
function summarize(rounds: RoundResult[]): Summary {
  const all = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    acksPerSec: median(rounds.map((r) => r.acksPerSec)),
    p50: pct(all, 50),
    p99: pct(all, 99),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

/** Alternates rounds over the targets, so all of them see the same background load. */
async function compare(
  targets: { name: string; url: string; pid?: number }[],
): Promise<{ summaries: Summary[]; rounds: RoundResult[][] }> {
  for (const t of targets) await round(t.url, 500); // warm-up: JIT, sockets
  const results: RoundResult[][] = targets.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    const parts: string[] = [];
    for (const [k, t] of targets.entries()) {
      const cpu0 = cpuUs(t.pid, true);
      const r = await round(t.url, ROUND_MS);
      r.cpuUsPerAck = (cpuUs(t.pid, true) - cpu0) / ((r.acksPerSec * ROUND_MS) / 1000);
      results[k].push(r);
      parts.push(`${t.name} ${r.acksPerSec.toFixed(0)}/s`);
    }
    console.log(`  round ${i + 1}: ${parts.join(', ')}`);
  }
  return { summaries: results.map(summarize), rounds: results };
}

/** Median over rounds of a/b measured back to back: steadier than a ratio of medians on a busy machine. */
function pairedRatio(a: RoundResult[], b: RoundResult[]): number {
  return median(a.map((r, i) => r.acksPerSec / b[i].acksPerSec));
}

function line(name: string, s: Summary): string {
  const err = s.errors ? `, ${s.errors} non-200` : '';
  return `  ${name.padEnd(26)} ${s.acksPerSec.toFixed(0).padStart(6)} acks/s   p50 ${s.p50.toFixed(2).padStart(6)} ms   p99 ${s.p99.toFixed(2).padStart(6)} ms${err}`;
}

// ---- processes ----------------------------------------------------------------
async function startBare(plain = false): Promise<{ proc: ChildProcess; url: string }> {
  const args = [join(ROOT, 'test/bench/_bare-server.mjs'), ...(plain ? ['--plain'] : [])];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((ok, fail) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^Receiver:\s+(\S+)$/m.exec(out)?.[1];
      if (url) ok({ proc, url });
    });
    proc.once('exit', (code) => fail(new Error(`bare server exited ${code}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** Resident memory of a process in MiB (Linux /proc; elsewhere ps). */
function rssMiB(pid: number): { rss: number; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: null };
  }
}

/** Spawns serve on a known port and times how long until GET /healthz answers 200. */
async function timedStart(dataDir: string): Promise<{ serve: ServeProcess; startupMs: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const starting = startServe(dataDir, { args: ['--port', String(port)], timeoutMs: 120_000 });
  let startupMs: number;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      startupMs = performance.now() - t0;
      break;
    }
    if (performance.now() - t0 > 120_000) throw new Error('serve did not become healthy within 2 minutes');
    await new Promise((r) => setTimeout(r, 5));
  }
  return { serve: await starting, startupMs };
}

/** Fills a data dir with `count` stored events through the store itself (fast; HTTP would take minutes). */
async function prefill(dataDir: string, count: number): Promise<number> {
  const t0 = performance.now();
  const store = createStore({ dataDir, logger: memoryLogger() });
  await store.open();
  const now = Date.now();
  // Spread over the last 6 hours, as live traffic would arrive. (Back-dated
  // events fill segments normally too: the day-old seal rule counts from when a
  // segment was opened; test/engine/store-segments.test.ts.)
  const span = 6 * 3600 * 1000;
  const BATCH = 2000;
  for (let i = 0; i < count; i += BATCH) {
    const writes: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) {
      const at = now - span + Math.floor((span * j) / count);
      const body = makeBody();
      const event: StoredEvent = {
        id: newId('evt', at),
        source: 'bench',
        provider: 'hmac',
        type: 'order.created',
        status: 'done',
        receivedAt: new Date(at).toISOString(),
        providerEventId: JSON.parse(body).id,
        verification: { ok: true, reason: null },
        summary: 'Order — 59.00 EUR',
        sizeBytes: body.length,
        redeliveries: 0,
        replayOf: null,
        headers: signedHeaders(body),
        body: { text: body },
        payload: JSON.parse(body),
      };
      writes.push(store.appendEvent(event));
    }
    await Promise.all(writes);
  }
  await store.close();
  return performance.now() - t0;
}

// ---- main -------------------------------------------------------------------------
async function main() {
  const began = performance.now();
  await ensureBuilt();
  // An older build to compare with (_ack-baseline.ts): its rounds first, then the usual figures.
  const baseline = process.env.HOOKDOCK_BENCH_BASELINE;
  if (baseline) await compareWithBaseline(baseline, Number(process.env.HOOKDOCK_BENCH_BASELINE_ROUNDS) || undefined);
  const emptyDir = await mkdtemp(join(tmpdir(), 'hookdock-bench-empty-'));
  const fullDir = await mkdtemp(join(tmpdir(), 'hookdock-bench-full-'));
  const procs: ChildProcess[] = [];
  try {
    for (const d of [emptyDir, fullDir]) await writeFile(join(d, 'config.json'), JSON.stringify(CONFIG));
    console.log(
      `ack bench: ${CONCURRENCY} concurrent keep-alive clients, ${BODY_BYTES} B JSON bodies, hmac source, ${ROUNDS} x ${ROUND_MS / 1000} s rounds alternated`,
    );
    console.log(
      `machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`,
    );

    const bare = await startBare();
    procs.push(bare.proc);
    const barePlain = await startBare(true);
    procs.push(barePlain.proc);
    const empty = await timedStart(emptyDir);
    procs.push(empty.serve.proc);

    console.log(`\n[prefilling ${PREFILL.toLocaleString('en')} events through the store]`);
    const prefillMs = await prefill(fullDir, PREFILL);
    console.log(`  prefilled in ${(prefillMs / 1000).toFixed(1)} s`);
    const full = await timedStart(fullDir);
    procs.push(full.serve.proc);
    const rssAfterStart = rssMiB(full.serve.proc.pid!);

    console.log('\n[rounds: bare express, bare node:http, hookdock with an empty store, hookdock with 100k stored]');
    const {
      summaries: [b, p, e, f],
      rounds: [bR, pR, eR, fR],
    } = await compare([
      { name: 'bare', url: bare.url, pid: bare.proc.pid },
      { name: 'bare node:http', url: barePlain.url, pid: barePlain.proc.pid },
      { name: 'hookdock empty', url: empty.serve.receiverUrl, pid: empty.serve.proc.pid },
      { name: `hookdock ${PREFILL / 1000}k`, url: full.serve.receiverUrl, pid: full.serve.proc.pid },
    ]);
    const rssAfterLoad = rssMiB(full.serve.proc.pid!);
    const stopT0 = performance.now();
    const exit = await full.serve.stop('SIGTERM');
    const stopMs = performance.now() - stopT0;
    await empty.serve.stop('SIGTERM');

    console.log('\nresults');
    console.log(line('bare express (no storage)', b));
    console.log(line('bare node:http (no storage)', p));
    console.log(line('hookdock serve, empty', e));
    console.log(line(`hookdock serve, ${PREFILL / 1000}k stored`, f));
    console.log(
      `  ratio hookdock/bare, empty:           ${pairedRatio(eR, bR).toFixed(2)}  (median of per-round ratios)`,
    );
    console.log(`  ratio hookdock/bare, ${PREFILL / 1000}k stored:     ${pairedRatio(fR, bR).toFixed(2)}`);
    // Hookdock answers a plain POST /hooks/:id without express (receiver/fast-path.ts), so the
    // like-for-like baseline is a bare node:http endpoint: this ratio is our own overhead.
    console.log(`  ratio hookdock/bare node:http, empty: ${pairedRatio(eR, pR).toFixed(2)}`);
    console.log(`  ratio hookdock/bare node:http, ${PREFILL / 1000}k: ${pairedRatio(fR, pR).toFixed(2)}`);
    console.log(`  ratio ${PREFILL / 1000}k stored / empty (hookdock):  ${pairedRatio(fR, eR).toFixed(2)}`);
    // When the event loop is the bottleneck, acks/s follow main-thread CPU per ack; this ratio
    // does not swing with what else runs on the machine the way acks/s do.
    const cpu = (rs: RoundResult[]) => median(rs.map((r) => r.cpuUsPerAck));
    console.log(
      `  main-thread CPU per ack: bare ${cpu(bR).toFixed(0)} µs, bare node:http ${cpu(pR).toFixed(0)} µs, hookdock empty ${cpu(eR).toFixed(0)} µs, ${PREFILL / 1000}k ${cpu(fR).toFixed(0)} µs;` +
        ` CPU ratio bare/hookdock ${(cpu(bR) / cpu(eR)).toFixed(2)} empty, ${(cpu(bR) / cpu(fR)).toFixed(2)} ${PREFILL / 1000}k`,
    );
    console.log(
      `  start-up to /healthz 200:  empty ${empty.startupMs.toFixed(0)} ms, ${PREFILL / 1000}k stored ${full.startupMs.toFixed(0)} ms`,
    );
    console.log(
      `  serve RSS with ${PREFILL / 1000}k stored: ${rssAfterStart.rss.toFixed(0)} MiB after start, ${rssAfterLoad.rss.toFixed(0)} MiB after the rounds` +
        (rssAfterLoad.peak ? ` (peak ${rssAfterLoad.peak.toFixed(0)} MiB)` : ''),
    );
    console.log(`  SIGTERM with ${PREFILL / 1000}k stored: exit ${exit} in ${stopMs.toFixed(0)} ms`);
    if (nonOk.size)
      console.log(`  non-200 answers by status (0 = connection error): ${JSON.stringify(Object.fromEntries(nonOk))}`);
    const problems = [empty.serve, full.serve].flatMap((sp) =>
      sp
        .stderr()
        .split('\n')
        .filter((l) => /^\S+ (WARN|ERROR) /.test(l) || /^hookdock:/.test(l)),
    );
    if (problems.length) console.log(`  serve warnings and errors:\n    ${problems.slice(-10).join('\n    ')}`);
    console.log(
      `  bench took ${((performance.now() - began) / 1000).toFixed(0)} s (machine load average now ${loadavg()[0].toFixed(1)})`,
    );
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await rm(emptyDir, { recursive: true, force: true });
    await rm(fullDir, { recursive: true, force: true });
  }
}

await main();
