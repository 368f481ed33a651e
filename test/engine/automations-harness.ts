// A real automations service for tests: the durable store, the config service
// on a config.json in a temp dir, real child processes, and an HTTP sink on
// port 0 as the outbox's destination. restart() stops everything and reopens
// the same data dir, like a process restart.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigInput } from '../../shared/config';
import type { PushEventName, PushEvents } from '../../shared/events';
import type { EventSummary, Run } from '../../shared/types';
import { createAutomations, type Automations, type AutomationsOptions } from '../../electron/engine/work';
import { createConfigService } from '../../electron/engine/config/service';
import { createStore } from '../../electron/engine/store';
import type { Store, StoredEvent } from '../../electron/engine/store/types';
import type { ConfigService } from '../../electron/engine/types';
import { createBus, type Bus } from '../../electron/engine/util/bus';
import { systemClock } from '../../electron/engine/util/clock';
import { newId } from '../../electron/engine/util/ids';
import { createLogger } from '../../electron/engine/util/logger';
import { waitFor } from '../helpers/tmp';

export const SCRIPTS = fileURLToPath(new URL('../fixtures/scripts', import.meta.url));
export const script = (name: string) => join(SCRIPTS, name);
export const FAST_RETRY = { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 50 };
export const SINK_SECRET = 'whsec_' + Buffer.from('hookdock-test-secret-0123456789').toString('base64');

export interface Sink {
  url: string;
  requests: { headers: Record<string, string | string[] | undefined>; body: string }[];
  /** The status answered next (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const sink = { requests: [] as Sink['requests'], status: 200 } as Sink;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sink.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = sink.status;
      res.end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  sink.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  sink.close = () => new Promise<void>((ok) => server.close(() => ok()));
  return sink;
}

export interface Harness {
  dir: string;
  store: Store;
  bus: Bus;
  config: ConfigService;
  automations: Automations;
  /** Every push event, in order. */
  pushed: { name: PushEventName; payload: unknown }[];
  /** Stores an event (status received unless given) and hands it to onEvent, as the receiver does. */
  fire(over?: Partial<StoredEvent>): Promise<EventSummary>;
  waitRun(eventId: string, done: (runs: Run[]) => boolean, timeoutMs?: number): Promise<Run[]>;
  pushedOf<K extends PushEventName>(name: K): PushEvents[K][];
  restart(): Promise<Harness>;
  close(): Promise<void>;
}

export function storedEvent(over: Partial<StoredEvent> = {}): StoredEvent {
  const payload = over.payload ?? { id: 'ch_' + randomBytes(4).toString('hex'), object: 'charge', amount: 5900 };
  const text = JSON.stringify(payload);
  return {
    id: newId('evt'),
    source: 'payments',
    provider: 'none',
    type: 'charge.refunded',
    status: 'received',
    receivedAt: new Date().toISOString(),
    providerEventId: 'pe_' + randomBytes(6).toString('hex'),
    verification: { ok: true, reason: null },
    summary: null,
    sizeBytes: Buffer.byteLength(text),
    redeliveries: 0,
    replayOf: null,
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: { text },
    payload,
    ...over,
  };
}

export async function writeConfig(dir: string, config: ConfigInput): Promise<void> {
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
}

export async function startHarness(
  dir: string,
  config?: ConfigInput,
  extra: Partial<AutomationsOptions> & { recordPushes?: boolean } = {},
): Promise<Harness> {
  // Benchmarks measuring memory turn this off: the record keeps every payload alive.
  const { recordPushes = true, ...options } = extra;
  if (config) await writeConfig(dir, config);
  const logger = createLogger('test', { level: 'error' });
  const bus = createBus();
  const store = createStore({ dataDir: dir, logger });
  await store.open();
  const configService = createConfigService({ dataDir: dir, bus, logger });
  await configService.start();
  const automations = createAutomations({
    store,
    bus,
    config: configService,
    logger,
    clock: systemClock,
    dataDir: dir,
    killGraceMs: 200,
    liveIntervalMs: 20,
    ...options,
  });
  const pushed: Harness['pushed'] = [];
  if (recordPushes) bus.onAny((name, payload) => pushed.push({ name, payload }));
  await automations.start();
  let closed = false;

  const h: Harness = {
    dir,
    store,
    bus,
    config: configService,
    automations,
    pushed,
    async fire(over) {
      const stored = await store.appendEvent(storedEvent(over));
      await automations.onEvent(stored.summary);
      return stored.summary;
    },
    waitRun: (eventId, done, timeoutMs = 10_000) =>
      waitFor(
        () => {
          const runs = automations.runsForEvent(eventId);
          return runs.length > 0 && done(runs) ? runs : null;
        },
        timeoutMs,
        `runs of ${eventId}`,
      ),
    pushedOf: <K extends PushEventName>(name: K) =>
      pushed.filter((p) => p.name === name).map((p) => p.payload as PushEvents[K]),
    async restart() {
      await h.close();
      return startHarness(dir, undefined, extra);
    },
    async close() {
      if (closed) return;
      closed = true;
      await automations.stop();
      await configService.stop();
      await store.close();
    },
  };
  return h;
}

export const allSettled = (runs: Run[]) => runs.every((r) => r.status === 'succeeded' || r.status === 'failed');
export const reportOf = (stdout: string) =>
  JSON.parse(stdout.split('\n').find((l) => l.startsWith('{"report"'))!).report;

const CRASH_HOST = fileURLToPath(new URL('../fixtures/scripts/automations-host.ts', import.meta.url));

/**
 * A real Hookdock engine in its own process (fixtures/scripts/automations-host.ts) on the
 * config already in `dir`, after it has fired one event: for kill -9 tests. `kill()` is
 * SIGKILL, resolved once the process is gone.
 */
export async function startCrashHost(dir: string): Promise<{ eventId: string; kill: () => Promise<void> }> {
  const host = spawn(process.execPath, ['--import', 'tsx', CRASH_HOST, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  host.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const eventId = await waitFor(
    () => {
      if (host.exitCode !== null) throw new Error(`the host exited with ${host.exitCode}`);
      return /fired (\S+)/.exec(out)?.[1];
    },
    20_000,
    'the host to fire an event',
  );
  return {
    eventId,
    kill: async () => {
      const exited = new Promise((ok) => host.once('exit', ok));
      host.kill('SIGKILL');
      await exited;
    },
  };
}
