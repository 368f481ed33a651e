// Ack throughput and CPU per ack of this build against an older one, for
// regressions too small for acks/s on a shared machine to show on their own.
//
// HOOKDOCK_BENCH_BASELINE=/path/to/old/checkout (with its dist/ built, e.g.
// `git archive <commit> | tar -x -C /tmp/old && cd /tmp/old && npm ci && node scripts/build.mjs`)
// makes `npm run bench ack` start both builds' `hookdock serve` (fresh data dirs,
// the ack bench's hmac source, no tunnel) and run alternating rounds, old then new
// and new then old in turn, so both see the same background load. Per round it
// measures acks/s and the serve process's CPU time per ack (/proc/<pid>/stat
// utime + stime: all threads, and the main thread alone), and prints the medians
// of the per-round ratios new/old. CPU per ack moves far less than acks/s with
// whatever else the machine runs: trust it first.
// Run alone: node --import tsx test/bench/_ack-baseline.ts [rounds]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, cleanEnv, ensureBuilt } from '../helpers/serve';
import { CONFIG, cpuUs, median, round } from './_ack-client';

/** Rounds per build (HOOKDOCK_BENCH_BASELINE_ROUNDS): a median needs several. */
const DEFAULT_ROUNDS = 8;
const ROUND_MS = 3000;

interface Build {
  name: 'old' | 'new';
  proc: ChildProcess;
  url: string;
  dataDir: string;
}

interface Measured {
  acksPerSec: number;
  /** Process CPU (all threads) per 200, µs. */
  cpuUs: number;
  /** Main-thread CPU per 200, µs. */
  mainUs: number;
}

/** The baseline's dist/cli.js, or an Error whose message says what to do. */
export function baselineCli(dir: string): string {
  const cli = join(resolve(dir), 'dist/cli.js');
  if (!existsSync(cli)) {
    throw new Error(
      `HOOKDOCK_BENCH_BASELINE=${dir} has no dist/cli.js: build the old checkout first (node scripts/build.mjs in it).`,
    );
  }
  return cli;
}

async function startBuild(name: Build['name'], cli: string): Promise<Build> {
  const dataDir = await mkdtemp(join(tmpdir(), `hookdock-bench-${name}-`));
  await writeFile(join(dataDir, 'config.json'), JSON.stringify(CONFIG));
  const args = [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--dashboard-port', '0', '--tunnel', 'none'];
  const proc = spawn(process.execPath, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /^Receiver:\s+(\S+)$/m.exec(out)?.[1];
      if (found) ok(found);
    });
    proc.once('exit', (code) =>
      fail(new Error(`the ${name} build's serve exited (${code}) before it was ready:\n${err}`)),
    );
  });
  proc.stdout!.resume();
  return { name, proc, url, dataDir };
}

async function measure(b: Build, ms: number): Promise<Measured> {
  const pid = b.proc.pid;
  const [cpu0, main0] = [cpuUs(pid), cpuUs(pid, true)];
  const r = await round(b.url, ms);
  const acks = (r.acksPerSec * ms) / 1000;
  return { acksPerSec: r.acksPerSec, cpuUs: (cpuUs(pid) - cpu0) / acks, mainUs: (cpuUs(pid, true) - main0) / acks };
}

/**
 * Starts `hookdock serve` of the baseline checkout (`baselineDir`, dist/ built) and of this
 * build, runs `rounds` alternating rounds of ROUND_MS each, prints each round and the medians
 * of the per-round ratios new/old (throughput: higher is better; CPU per ack: lower is better),
 * and stops both. Throws, saying what to do, when the baseline has no dist/cli.js.
 */
export async function compareWithBaseline(baselineDir: string, rounds = DEFAULT_ROUNDS): Promise<void> {
  const oldCli = baselineCli(baselineDir);
  await ensureBuilt();
  const builds: Build[] = [];
  try {
    builds.push(await startBuild('old', oldCli), await startBuild('new', CLI));
    const [older, newer] = builds as [Build, Build];
    console.log(
      `\n[baseline: ${resolve(baselineDir)} (old) against this build (new), ${rounds} x ${ROUND_MS / 1000} s rounds each, order alternated]`,
    );
    for (const b of builds) await round(b.url, 1000); // warm-up: JIT, sockets
    const olds: Measured[] = [];
    const news: Measured[] = [];
    for (let i = 0; i < rounds; i++) {
      const first = i % 2 === 0 ? older : newer;
      const second = first === older ? newer : older;
      const a = await measure(first, ROUND_MS);
      const b = await measure(second, ROUND_MS);
      const [o, n] = first === older ? [a, b] : [b, a];
      olds.push(o);
      news.push(n);
      const show = (m: Measured) =>
        `${m.acksPerSec.toFixed(0)} acks/s, ${m.cpuUs.toFixed(0)} µs CPU/ack (main ${m.mainUs.toFixed(0)})`;
      console.log(`  round ${i + 1}: old ${show(o)}; new ${show(n)}`);
    }
    const ratio = (f: (m: Measured) => number) => median(news.map((n, i) => f(n) / f(olds[i]!)));
    const med = (ms: Measured[], f: (m: Measured) => number) => median(ms.map(f)).toFixed(0);
    console.log(
      `  throughput new/old: ${ratio((m) => m.acksPerSec).toFixed(3)} (median of per-round ratios; old ${med(olds, (m) => m.acksPerSec)}, new ${med(news, (m) => m.acksPerSec)} acks/s)`,
    );
    console.log(
      `  CPU per ack new/old: ${ratio((m) => m.cpuUs).toFixed(3)} process, ${ratio((m) => m.mainUs).toFixed(3)} main thread` +
        ` (old ${med(olds, (m) => m.cpuUs)} / ${med(olds, (m) => m.mainUs)} µs, new ${med(news, (m) => m.cpuUs)} / ${med(news, (m) => m.mainUs)} µs)`,
    );
    console.log(
      `  as throughput-equivalent (old CPU/new CPU): ${(1 / ratio((m) => m.cpuUs)).toFixed(3)} process, ${(1 / ratio((m) => m.mainUs)).toFixed(3)} main thread`,
    );
  } finally {
    for (const b of builds) {
      if (b.proc.exitCode === null && b.proc.signalCode === null) {
        const exited = new Promise((ok) => b.proc.once('exit', ok));
        b.proc.kill('SIGTERM');
        await exited;
      }
      await rm(b.dataDir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.env.HOOKDOCK_BENCH_BASELINE;
  if (!dir) {
    console.error('Set HOOKDOCK_BENCH_BASELINE to an older checkout with dist/ built.');
    process.exit(2);
  }
  await compareWithBaseline(
    dir,
    Number(process.argv[2] ?? process.env.HOOKDOCK_BENCH_BASELINE_ROUNDS ?? DEFAULT_ROUNDS),
  );
}
