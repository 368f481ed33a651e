// Bench case for strangers.ts: 200 stalled 5 MB unverified uploads (each sends all
// but its last byte) and, on top, 300 slowloris connections (header bytes a few at a
// time, never finishing the header block). Prints serve's RSS and V8 heap idle, at
// the peak, and 3 s after the attackers close (goal: back within 50 MiB of idle).
// HOOKDOCK_BENCH_GC=1 collects garbage before each sample (diagnosis only: the
// product never forces a collection).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { CLI, ROOT, cleanEnv, serveArgs } from '../helpers/serve';

const STALLED = 200;
const STALLED_BYTES = 5_000_000;
const SLOWLORIS = 300;
/** How long the attack is held (ms), sampling memory meanwhile. */
const HOLD_MS = 5000;
const SETTLE_MS = 3000;

interface Mem {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const MiB = 1024 * 1024;
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts serve through _mem-probe.mjs in `dir` (config already written), runs the attack
 * against source `sourceId` with `headers` (a bad signature), prints the figures, stops serve.
 */
export async function stalledAndSlowloris(dir: string, sourceId: string, headers: string[]): Promise<void> {
  const [, ...rest] = serveArgs(dir);
  const proc = spawn(
    process.execPath,
    [...(process.env.HOOKDOCK_BENCH_GC ? ['--expose-gc'] : []), join(ROOT, 'test/bench/_mem-probe.mjs'), CLI, ...rest],
    {
      cwd: ROOT,
      env: cleanEnv(process.env.HOOKDOCK_BENCH_GC ? { HOOKDOCK_BENCH_GC: '1' } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const mems: ((m: Mem) => void)[] = [];
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (let m = /^MEM (.*)$/m.exec(err); m; m = /^MEM (.*)$/m.exec(err)) {
      err = err.slice(m.index + m[0].length);
      mems.shift()?.(JSON.parse(m[1]!) as Mem);
    }
  });
  const mem = async (): Promise<Mem> => {
    const got = new Promise<Mem>((ok) => mems.push(ok));
    proc.kill('SIGUSR2');
    const m = await got;
    return { ...m, rss: rssOf(proc.pid!) * MiB };
  };
  try {
    for (let i = 0; i < 600 && !/^Receiver:/m.test(out); i++) await tick(50);
    const receiverUrl = /^Receiver:\s+(\S+)$/m.exec(out)?.[1];
    if (!receiverUrl) throw new Error(`serve did not start:\n${err}`);
    const port = Number(new URL(receiverUrl).port);
    for (let i = 0; i < 20; i++) await post(`${receiverUrl}/hooks/${sourceId}`, `{"w":${i}}`);
    await tick(1000);
    const idle = await mem();

    const head = [
      `POST /hooks/${sourceId} HTTP/1.1`,
      'Host: 127.0.0.1',
      ...headers,
      `Content-Length: ${STALLED_BYTES}`,
      '',
      '',
    ].join('\r\n');
    const payload = Buffer.alloc(STALLED_BYTES - 1, 0x61);
    const sockets: net.Socket[] = [];
    let closedByServer = 0;
    let closing = false; // from then on the closes are ours
    const open = (onConnect: (s: net.Socket) => void) => {
      const s = net.connect(port, '127.0.0.1');
      sockets.push(s);
      s.on('error', () => {});
      s.on('data', () => {});
      s.once('close', () => {
        if (!closing) closedByServer++;
      });
      s.once('connect', () => onConnect(s));
      return s;
    };
    const stalled = Array.from(
      { length: STALLED },
      () =>
        new Promise<void>((settled) => {
          const s = open(() => {
            s.write(head);
            s.write(payload, () => settled());
          });
          s.once('close', () => settled());
        }),
    );
    // Slowloris: a header block started and fed a few bytes every 500 ms, never ended.
    const lorisHead = `POST /hooks/${sourceId} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `;
    const loris = Array.from({ length: SLOWLORIS }, () => open((s) => s.write(lorisHead)));
    const drip = setInterval(() => {
      for (const s of loris) if (!s.destroyed) s.write('ab');
    }, 500);
    await Promise.all(stalled);
    let peak = await mem();
    for (let t = 0; t < HOLD_MS; t += 250) {
      await tick(250);
      const m = await mem();
      if (m.rss > peak.rss) peak = m;
    }
    clearInterval(drip);
    const lorisOpen = loris.filter((s) => !s.destroyed).length;
    closing = true;
    for (const s of sockets) s.destroy();
    await tick(SETTLE_MS);
    const after = await mem();
    const fmt = (m: Mem) =>
      `RSS ${(m.rss / MiB).toFixed(0)} MiB (heap used ${(m.heapUsed / MiB).toFixed(0)}, external ${(m.external / MiB).toFixed(0)}, array buffers ${(m.arrayBuffers / MiB).toFixed(0)} MiB)`;
    console.log(
      `  ${STALLED} stalled ${STALLED_BYTES / 1e6} MB unverified uploads + ${SLOWLORIS} slowloris connections (${lorisOpen} slowloris still open after ${HOLD_MS / 1000} s; ${closedByServer} connections closed by the server)`,
    );
    console.log(`  idle:  ${fmt(idle)}`);
    console.log(`  peak:  ${fmt(peak)}`);
    console.log(
      `  after: ${fmt(after)}, ${SETTLE_MS / 1000} s after they closed: ${((after.rss - idle.rss) / MiB).toFixed(0)} MiB over idle (goal <= 50)`,
    );
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
  }
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN) / 1024;
}

function post(url: string, body: string): Promise<number> {
  return new Promise((ok) => {
    const r = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    r.on('error', () => ok(0));
    r.end(body);
  });
}
