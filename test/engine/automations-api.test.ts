// The automations through the real engine and the real dashboard over HTTP:
// a webhook posted to the receiver runs a script; the dashboard API shows the
// run with its attempts, replays, lists and retries outbox deliveries, pauses,
// and streams every run and delivery change over SSE.
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Delivery, HookEvent, Run } from '../../shared/types';
import { createDashboardServer, type DashboardServer } from '../../electron/engine/dashboard';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { createLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { script, SINK_SECRET, startSink, writeConfig, type Sink } from './automations-harness';

const TOKEN = 'automations-api-test-token-0123456789';
let dir: string;
let sink: Sink;
let engine: Engine;
let dashboard: DashboardServer;
let port: number;
let stream: http.ClientRequest;
const streamed: { name: string; data: unknown }[] = [];

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function postHook(body: unknown): Promise<string> {
  const res = await fetch(`${engine.receiverUrl()}/hooks/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

const getEvent = async (id: string) => (await api<HookEvent>('GET', `/api/events/${id}`)).body;

beforeAll(async () => {
  dir = await makeTempDir('hookdock-automations-api-');
  sink = await startSink();
  await writeConfig(dir, {
    sources: [{ id: 'open', provider: 'none', eventType: { jsonPath: '$.type' }, eventId: { jsonPath: '$.id' } }],
    automations: [
      {
        id: 'refund',
        events: ['refund.*'],
        run: { command: script('flaky.mjs'), args: ['2', 'sink'] },
        retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 },
      },
    ],
    destinations: [{ id: 'sink', url: sink.url, secret: SINK_SECRET, retry: { schedule: [] } }],
    tunnel: { provider: 'none' },
  });
  const logger = createLogger('test', { level: 'error' });
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger });
  await engine.start();
  dashboard = createDashboardServer({ handlers: engine.handlers, bus: engine.bus, token: TOKEN, port: 0, logger });
  ({ port } = await dashboard.start());
  stream = http.get(
    { host: '127.0.0.1', port, path: '/api/stream', headers: { authorization: `Bearer ${TOKEN}` } },
    (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        for (let i = buf.indexOf('\n\n'); i !== -1; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) streamed.push({ name, data: JSON.parse(data) });
        }
      });
    },
  );
  stream.on('error', () => undefined);
  await waitFor(() => streamed.some((s) => s.name === 'hello'), 5000, 'the stream');
});

afterAll(async () => {
  stream?.destroy();
  await dashboard?.stop();
  await engine?.stop();
  await sink?.close();
  await removeDir(dir);
});

it('a webhook runs its script; the event shows its runs with attempts and its deliveries; replay, outbox and retry work', async () => {
  const id = await postHook({ id: 'r1', type: 'refund.created', amount: 5 });
  const event = await waitFor(
    async () => {
      const e = await getEvent(id);
      return e.runs[0]?.status === 'succeeded' && e.deliveries[0]?.status === 'delivered' ? e : null;
    },
    10_000,
    'run and delivery',
  );
  expect(event.status).toBe('done');
  const run = event.runs[0];
  expect(run.attempts.map((a) => [a.attempt, a.exitCode])).toEqual([
    [1, 1],
    [2, 0],
  ]);
  expect(run.attempts[0].stderr).toBe('attempt 1 failed on purpose\n');
  expect(event.deliveries).toHaveLength(1);
  expect(event.deliveries[0]).toMatchObject({
    destinationId: 'sink',
    type: 'flaky.attempt',
    data: { attempt: 2 },
    runId: run.id,
  });
  expect(sink.requests).toHaveLength(1);

  // SSE carried each run and delivery change.
  const runStatuses = streamed
    .filter((s) => s.name === 'run.updated' && (s.data as Run).id === run.id)
    .map((s) => (s.data as Run).status);
  expect(runStatuses).toEqual(expect.arrayContaining(['queued', 'running', 'retrying', 'succeeded']));
  expect(streamed.some((s) => s.name === 'delivery.updated' && (s.data as Delivery).status === 'delivered')).toBe(true);
  expect(streamed.some((s) => s.name === 'run.output')).toBe(true);

  // Outbox over HTTP, then a retry by hand sends it again with the same webhook-id.
  const outbox = await api<{ items: Delivery[]; nextCursor: string | null }>('GET', '/api/outbox?status=delivered');
  expect(outbox.status).toBe(200);
  expect(outbox.body.items.map((d) => d.id)).toEqual([event.deliveries[0].id]);
  expect((await api<{ items: Delivery[] }>('GET', '/api/outbox?status=failed')).body.items).toEqual([]);
  const retried = await api<Delivery>('POST', `/api/outbox/${event.deliveries[0].id}/retry`);
  expect(retried.status).toBe(200);
  await waitFor(() => sink.requests.length === 2, 5000, 'the retried delivery');
  expect(sink.requests[1].headers['webhook-id']).toBe(sink.requests[0].headers['webhook-id']);
  expect((await api('POST', '/api/outbox/dlv_nope/retry')).status).toBe(404);

  // Replay: a new run for the same event (its own attempts: it fails once, then succeeds).
  const replay = await api<{ event: { id: string }; runs: Run[] }>('POST', `/api/events/${id}/replay`, {});
  expect(replay.status).toBe(200);
  expect(replay.body.runs).toHaveLength(1);
  await waitFor(
    async () =>
      (await getEvent(id)).runs.length === 2 && (await getEvent(id)).runs.every((r) => r.status === 'succeeded'),
    10_000,
    'replayed run',
  );

  // Retry a run by hand over HTTP.
  const again = await api<Run>('POST', `/api/runs/${run.id}/retry`);
  expect(again.status).toBe(200);
  await waitFor(
    async () => (await getEvent(id)).runs.find((r) => r.id === run.id)!.attempts.length === 3,
    10_000,
    'retried run',
  );
});

it('pauses and resumes all automations over HTTP, and the status says so', async () => {
  const paused = await api<{ paused: boolean }>('POST', '/api/automations/pause', { paused: true });
  expect(paused.body).toEqual({ paused: true });
  expect((await api<{ automationsPaused: boolean }>('GET', '/api/status')).body.automationsPaused).toBe(true);
  const id = await postHook({ id: 'r2', type: 'refund.updated' });
  await new Promise((r) => setTimeout(r, 300));
  expect((await getEvent(id)).runs.map((r) => r.status)).toEqual(['queued']);
  expect(streamed.some((s) => s.name === 'automations.paused' && (s.data as { paused: boolean }).paused)).toBe(true);

  await api('POST', '/api/automations/pause', { paused: false });
  await waitFor(async () => (await getEvent(id)).runs[0].status === 'succeeded', 10_000, 'the run after resume');
  const status = (await api<{ counts: { jobsPending: number; runsFailed: number } }>('GET', '/api/status')).body;
  expect(status.counts).toMatchObject({ runsFailed: 0 });
});

it('never runs an automation for a duplicate delivery', async () => {
  const first = await postHook({ id: 'r3', type: 'refund.created' });
  const second = await postHook({ id: 'r3', type: 'refund.created' });
  expect(second).toBe(first);
  await waitFor(async () => (await getEvent(first)).runs[0]?.status === 'succeeded', 10_000, 'the run');
  await new Promise((r) => setTimeout(r, 200));
  expect((await getEvent(first)).runs).toHaveLength(1);
});
