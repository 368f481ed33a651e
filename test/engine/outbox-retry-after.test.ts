// Retry-After against the outbox's own schedule, with the real scheduler, a real
// store in a temp dir and real HTTP destinations on port 0: an answer's Retry-After
// may only lengthen the policy's next delay (capped at 24 h), never shorten it.
// `0`, a negative number, a date already past or garbage once made all attempts
// happen within 70 ms and the delivery fail.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../shared/config';
import type { Delivery } from '../../shared/types';
import { createScheduler, type Scheduler } from '../../electron/engine/jobs/scheduler';
import { parseRetryAfter, RETRY_AFTER_CAP_MS } from '../../electron/engine/outbox/http';
import { createOutbox, type Outbox } from '../../electron/engine/outbox/outbox';
import { createStore } from '../../electron/engine/store';
import type { Store } from '../../electron/engine/store/types';
import { createBus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
/** The policy's delays: every retry must wait at least this long. */
const POLICY_MS = 400;

let dir: string;
let store: Store;
let scheduler: Scheduler;
let outbox: Outbox;
let config: Config;
let server: Server | null;
let retrying: Delivery[];

beforeEach(async () => {
  dir = await makeTempDir();
  retrying = [];
  server = null;
  store = createStore({ dataDir: dir, logger: memoryLogger() });
  await store.open();
  const bus = createBus();
  bus.on('delivery.updated', (d) => d.status === 'retrying' && retrying.push(d));
  scheduler = createScheduler({ store, logger: memoryLogger(), concurrency: () => 4, stopTimeoutMs: 300 });
  outbox = createOutbox({ store, scheduler, bus, logger: memoryLogger(), getConfig: () => config });
  await scheduler.start();
});
afterEach(async () => {
  await scheduler.stop();
  await store.close();
  server?.closeAllConnections();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  await removeDir(dir);
});

/** A destination answering `status` with `Retry-After: value` to the first request, 200 after; returns request times. */
async function destination(status: number, value: string): Promise<number[]> {
  const seen: number[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(Date.now());
      if (seen.length === 1) res.writeHead(status, { 'retry-after': value });
      else res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  config = configSchema.parse({
    destinations: [{ id: 'dest', url, secret: SECRET, retry: { schedule: [POLICY_MS, POLICY_MS, POLICY_MS] } }],
  });
  return seen;
}

const send = () => outbox.send({ destinationId: 'dest', type: 't', data: {}, eventId: null, runId: null });

const pastDate = new Date(Date.now() - 3_600_000).toUTCString();

describe('a Retry-After that would shorten the schedule is not followed', () => {
  it.each([
    [503, '0'],
    [429, '0'],
    [503, '-5'],
    [429, '-120'],
    [503, pastDate],
    [429, pastDate],
    [503, 'soon'],
    [429, '1.5'],
    [503, ''],
    [503, '0x10'],
  ])(
    '%i with Retry-After "%s": the next attempt waits the policy’s delay, and the delivery is delivered',
    async (code, value) => {
      const seen = await destination(code, value);
      const sent = await send();
      const d = await waitFor(() => {
        const x = outbox.get(sent.id);
        return x && (x.status === 'delivered' || x.status === 'failed') ? x : undefined;
      }, 20_000);
      expect(d.status).toBe('delivered');
      expect(d.attempts.map((a) => a.statusCode)).toEqual([code, 200]);
      const first = Date.parse(d.attempts[0].at);
      expect(Date.parse(retrying[0].nextAttemptAt!) - first).toBeGreaterThanOrEqual(POLICY_MS);
      expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(POLICY_MS - 5); // timers may fire a ms early
    },
  );
});

describe('a Retry-After longer than the schedule lengthens it, up to 24 h', () => {
  it.each([
    [503, '2', 2000],
    [429, '3', 3000],
  ])('%i with Retry-After "%s" waits at least that long', async (code, value, ms) => {
    await destination(code, value);
    const sent = await send();
    const r = await waitFor(() => retrying.find((d) => d.id === sent.id));
    expect(Date.parse(r.nextAttemptAt!) - Date.parse(r.attempts[0].at)).toBeGreaterThanOrEqual(ms);
  });

  it('an HTTP date in the future is waited for', async () => {
    const at = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    await destination(503, new Date(at).toUTCString());
    const sent = await send();
    const r = await waitFor(() => retrying.find((d) => d.id === sent.id));
    expect(Date.parse(r.nextAttemptAt!)).toBeGreaterThanOrEqual(at);
  });

  it.each(['99999999999', '1e9', String(10 * 86_400)])(
    '"%s" is cut back to 24 h (or ignored when not a number)',
    async (value) => {
      await destination(429, value);
      const sent = await send();
      const r = await waitFor(() => retrying.find((d) => d.id === sent.id));
      const wait = Date.parse(r.nextAttemptAt!) - Date.parse(r.attempts[0].at);
      if (value === '1e9')
        expect(wait).toBeLessThan(RETRY_AFTER_CAP_MS); // not delay-seconds: the policy's delay
      else expect(Math.abs(wait - RETRY_AFTER_CAP_MS)).toBeLessThan(60_000);
      expect(wait).toBeGreaterThanOrEqual(POLICY_MS);
    },
  );
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and the three HTTP-date forms', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Thu Jan  1 00:03:00 2026', now)).toBe(180_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither (never read as "now")', () => {
    for (const v of [
      '-5',
      '1.5',
      '+3',
      '0x10',
      '1e3',
      'soon',
      '2026-01-02',
      'Thu, 01 Jan 2026',
      '',
      '   ',
      'NaN',
      'Infinity',
    ]) {
      expect(parseRetryAfter(v, now), v).toBeUndefined();
    }
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
  it('caps at 24 h', () => {
    expect(parseRetryAfter('999999999999999999999', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(RETRY_AFTER_CAP_MS);
  });
});
