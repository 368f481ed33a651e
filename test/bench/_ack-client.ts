// The client side of the ack benches (ack.ts, _ack-baseline.ts): an `hmac`
// source (HMAC-SHA256, hex, X-Signature) so every request pays a realistic but
// small signature check, ~1 KiB JSON bodies with unique ids, and rounds of
// CONCURRENCY keep-alive clients posting as fast as they are answered.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export const CONCURRENCY = 48;
export const BODY_BYTES = 1024;

const SECRET = 'bench-hmac-secret-' + randomBytes(8).toString('hex');
const SOURCE = {
  id: 'bench',
  provider: 'hmac',
  secret: SECRET,
  hmac: { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
  eventType: { jsonPath: '$.type' },
  eventId: { jsonPath: '$.id' },
};
/** config.json for a bench data dir. Signed requests never spend the rate budget (receiver/admission.ts); kept high for older builds. */
export const CONFIG = { sources: [SOURCE], tunnel: { provider: 'none' }, limits: { ratePerSecond: 1e6, burst: 1e6 } };

const runTag = randomBytes(4).toString('hex');
let seq = 0;
/** A BODY_BYTES-long order JSON with a new id each call. */
export function makeBody(): string {
  const base = {
    id: `ord_${runTag}_${String(++seq).padStart(9, '0')}`,
    type: 'order.created',
    total: '59.00',
    currency: 'EUR',
    customer: { email: 'shop@example.com', name: 'A. Customer' },
    note: '',
  };
  base.note = 'x'.repeat(Math.max(0, BODY_BYTES - JSON.stringify(base).length));
  return JSON.stringify(base);
}

export function signedHeaders(body: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Signature': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
  };
}

function post(agent: http.Agent, url: URL, body: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...signedHeaders(body), 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

export interface RoundResult {
  acksPerSec: number;
  /** The server's main-thread CPU per 200 (µs): steadier than acks/s on a shared machine. Filled in by the caller. */
  cpuUsPerAck: number;
  errors: number;
  latencies: number[];
}

/** Every non-200 by status across all rounds (0: the request failed without an answer). */
export const nonOk = new Map<number, number>();

/** CONCURRENCY clients post to `${receiverUrl}/hooks/bench` for `ms` milliseconds. */
export async function round(receiverUrl: string, ms: number): Promise<RoundResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = new URL(`${receiverUrl}/hooks/bench`);
  const latencies: number[] = [];
  let acks = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const body = makeBody();
        const t0 = performance.now();
        const status = await post(agent, url, body).catch(() => 0);
        latencies.push(performance.now() - t0);
        if (status === 200) acks++;
        else {
          errors++;
          nonOk.set(status, (nonOk.get(status) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { acksPerSec: acks / seconds, cpuUsPerAck: NaN, errors, latencies };
}

/**
 * CPU time (µs, user + system) a process has used: all its threads, or only its
 * main thread (the event loop) with `mainThread`; NaN where /proc is missing.
 */
export function cpuUs(pid: number | undefined, mainThread = false): number {
  try {
    const file = mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
    const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return NaN;
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
