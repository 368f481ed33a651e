// Bench: genuine senders while a stranger attacks the receiver of a real
// `hookdock serve` (127.0.0.1 only, every loop bounded by a count):
//   1. the share of correctly signed Shopify webhooks answered 200 while unsigned
//      POSTs flood the same source (goal 100%);
//   2. serve's RSS while 200 connections each declare a 5 MB body with a bad
//      signature, send all but its last byte and stall (goal <= 300 MiB), and after
//      they close (goal: back within 50 MiB of before);
//   3. the same 200 stalled uploads with 300 slowloris connections on top: serve's RSS
//      and V8 heap idle, at the peak and 3 s after they close (goal: back within 50 MiB
//      of idle; _slowloris.ts);
//   4. under a 1,024 open-file limit (prlimit), with 1,100 idle connections held,
//      genuine posts answered and the dashboard reachable (goal: all).
// Run: node --expose-gc --import tsx test/bench/strangers.ts   (or npm run bench strangers)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cleanEnv, ensureBuilt, serveArgs, startServe } from '../helpers/serve';
import { stalledAndSlowloris } from './_slowloris';

const SECRET = 'bench-shop-secret-' + randomBytes(8).toString('hex');
const CONFIG = { sources: [{ id: 'shop', provider: 'shopify', secret: SECRET }], tunnel: { provider: 'none' } };

const FLOOD_CLIENTS = 16;
const FLOOD_REQUESTS = 30_000;
const GENUINE = 150;
const STALLED = 200;
const STALLED_BYTES = 5_000_000;
const IDLE = 1100;
const FILE_LIMIT = 1024;
const GENUINE_UNDER_LIMIT = 20;

function shopifyRequest(body: string, signed: boolean): { headers: Record<string, string | number>; body: string } {
  const hmac = signed ? createHmac('sha256', SECRET).update(body).digest('base64') : 'AAAA';
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Event-Id': randomBytes(8).toString('hex'),
      'X-Shopify-Hmac-Sha256': hmac,
    },
  };
}

/** One POST on its own connection (or the agent's); the status, 0 when it failed without an answer. */
function post(url: string, req: { headers: Record<string, string | number>; body: string }, agent?: http.Agent) {
  return new Promise<number>((ok) => {
    const r = http.request(url, { method: 'POST', headers: req.headers, agent: agent ?? false }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    r.on('error', () => ok(0));
    r.end(req.body);
  });
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const count = (xs: number[]) =>
  JSON.stringify(xs.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {}));
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- 1. unsigned flood ------------------------------------------------------------
async function flood(dir: string): Promise<void> {
  const serve = await startServe(dir);
  try {
    const url = `${serve.receiverUrl}/hooks/shop`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: FLOOD_CLIENTS });
    let sent = 0;
    let genuineDone = false;
    const floodStatuses: number[] = [];
    const flooding = Promise.all(
      Array.from({ length: FLOOD_CLIENTS }, async () => {
        while (!genuineDone && sent < FLOOD_REQUESTS) {
          sent++;
          floodStatuses.push(await post(url, shopifyRequest(`{"id":${sent},"junk":true}`, false), agent));
        }
      }),
    );
    while (sent < 2000) await tick(10); // the flood is well under way (past the burst) first
    const genuine: number[] = [];
    for (let i = 0; i < GENUINE; i++) {
      genuine.push(await post(url, shopifyRequest(JSON.stringify({ id: 9e6 + i, total_price: '59.00' }), true)));
    }
    const duringFlood = sent < FLOOD_REQUESTS; // the flood was still running when the last one was answered
    genuineDone = true;
    await flooding;
    agent.destroy();
    const ok = genuine.filter((s) => s === 200).length;
    console.log(`  unsigned flood: ${floodStatuses.length} unsigned POSTs answered ${count(floodStatuses)}`);
    console.log(
      `  correctly signed answered 200 during the flood: ${ok}/${GENUINE} = ${((100 * ok) / GENUINE).toFixed(1)}% (goal 100%); all: ${count(genuine)}${duringFlood ? '' : ' (the flood ended before the last of them)'}`,
    );
  } finally {
    await serve.stop();
  }
}

// ---- 2. stalled uploads -------------------------------------------------------------
async function stalledUploads(dir: string): Promise<void> {
  const serve = await startServe(dir);
  const pid = serve.proc.pid!;
  try {
    const port = Number(new URL(serve.receiverUrl).port);
    // Warm up the receiver (a few genuine posts), then let it settle.
    for (let i = 0; i < 20; i++) await post(`${serve.receiverUrl}/hooks/shop`, shopifyRequest(`{"w":${i}}`, true));
    await tick(1000);
    const before = rssMiB(pid).rss;
    const payload = Buffer.alloc(STALLED_BYTES - 1, 0x61); // one buffer, written to every socket
    const head = [
      'POST /hooks/shop HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${STALLED_BYTES}`,
      'X-Shopify-Topic: orders/create',
      'X-Shopify-Hmac-Sha256: AAAA',
      '',
      '',
    ].join('\r\n');
    const sockets: net.Socket[] = [];
    const answers: string[] = [];
    let closedByServer = 0;
    await Promise.all(
      Array.from(
        { length: STALLED },
        () =>
          new Promise<void>((settled) => {
            const s = net.connect(port, '127.0.0.1');
            sockets.push(s);
            s.on('error', () => {});
            s.on('data', (d: Buffer) => answers.push(/^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'))?.[1] ?? '?'));
            s.once('close', () => {
              closedByServer++;
              settled();
            });
            // Settled once all but the last byte is handed to the kernel, or the server closed it.
            s.once('connect', () => {
              s.write(head);
              s.write(payload, () => settled());
            });
          }),
      ),
    );
    let during = rssMiB(pid);
    for (let i = 0; i < 20; i++) {
      await tick(250); // the server reads what the kernel holds: take the highest of 5 s of samples
      const now = rssMiB(pid);
      if (now.rss > during.rss) during = now;
    }
    for (const s of sockets) s.destroy();
    let after = rssMiB(pid).rss;
    for (let i = 0; i < 40 && after > before + 50; i++) {
      await tick(250);
      after = rssMiB(pid).rss;
    }
    console.log(
      `  ${STALLED} stalled ${STALLED_BYTES / 1e6} MB unverified uploads: answered ${count(answers.map(Number))} before stalling, ${closedByServer} closed by the server`,
    );
    console.log(
      `  serve RSS: before ${before.toFixed(0)} MiB, during ${during.rss.toFixed(0)} MiB (goal <= 300; peak ever ${during.peak.toFixed(0)} MiB), after they close ${after.toFixed(0)} MiB (${(after - before).toFixed(0)} MiB over before; goal <= 50)`,
    );
  } finally {
    await serve.stop();
  }
}

// ---- 4. idle connections under a file limit -------------------------------------------
async function idleConnections(dir: string): Promise<void> {
  if (spawnSync('prlimit', ['--version']).status !== 0) {
    console.log('  idle connections: skipped (no prlimit on this machine)');
    return;
  }
  // The same serve, its open-file limit (soft and hard) set to 1,024 before node starts.
  const proc: ChildProcess = spawn(
    'prlimit',
    [`--nofile=${FILE_LIMIT}:${FILE_LIMIT}`, process.execPath, ...serveArgs(dir)],
    {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.resume();
  try {
    for (let i = 0; i < 600 && !/^Dashboard:/m.test(out); i++) await tick(50);
    const receiverUrl = /^Receiver:\s+(\S+)$/m.exec(out)?.[1];
    const dashboard = /^Dashboard:\s+(\S+)$/m.exec(out)?.[1];
    if (!receiverUrl || !dashboard) throw new Error(`serve under prlimit did not start:\n${out}`);
    const port = Number(new URL(receiverUrl).port);
    const idle: net.Socket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < IDLE; i++) {
      await new Promise<void>((ok) => {
        const s = net.connect(port, '127.0.0.1', () => ok());
        s.on('error', () => ok());
        s.once('close', () => closedByServer++);
        idle.push(s);
      });
    }
    const statuses: number[] = [];
    for (let i = 0; i < GENUINE_UNDER_LIMIT; i++) {
      statuses.push(await post(`${receiverUrl}/hooks/shop`, shopifyRequest(JSON.stringify({ id: i }), true)));
    }
    const url = new URL(dashboard);
    const dash = await fetch(`${url.origin}/api/status`, {
      headers: { Authorization: `Bearer ${url.searchParams.get('token')}` },
    }).then(
      (r) => r.status,
      () => 0,
    );
    const open = idle.filter((s) => !s.destroyed).length;
    for (const s of idle) s.destroy();
    const ok = statuses.filter((s) => s === 200).length;
    console.log(
      `  open-file limit ${FILE_LIMIT}, ${IDLE} idle connections (${open} still open, ${closedByServer} closed by the server): genuine posts answered 200: ${ok}/${GENUINE_UNDER_LIMIT} (goal all); dashboard /api/status: ${dash}`,
    );
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
  }
}

// ---- 3. stalled uploads and slowloris ---------------------------------------------------
function stalledPlusSlowloris(dir: string): Promise<void> {
  const headers = ['Content-Type: application/json', 'X-Shopify-Topic: orders/create', 'X-Shopify-Hmac-Sha256: AAAA'];
  return stalledAndSlowloris(dir, 'shop', headers);
}

async function main() {
  await ensureBuilt();
  console.log(`strangers bench: genuine senders while a stranger floods, stalls uploads and holds connections`);
  for (const [name, run] of [
    ['1. unsigned flood', flood],
    ['2. stalled uploads', stalledUploads],
    ['3. stalled uploads and slowloris', stalledPlusSlowloris],
    ['4. idle connections', idleConnections],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'hookdock-bench-strangers-'));
    try {
      await writeFile(join(dir, 'config.json'), JSON.stringify(CONFIG));
      console.log(`\n[${name}]`);
      await run(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

await main();
