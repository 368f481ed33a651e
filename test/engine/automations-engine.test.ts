// The automations inside the real engine (port 0, temp data dir, real HTTP in,
// real child processes): the script gets the provider's payload bytes exactly,
// the feed says what ran, and the status counts follow runs as they fail and recover.
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Status } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

let dir: string;
let engine: Engine | null = null;

// Prints the payload exactly as the bytes on stdin and in HOOKDOCK_EVENT_FILE say it
// (the envelope's last key), and whether both are valid JSON.
const RAW_PAYLOAD = `
import { readFileSync } from 'node:fs';
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', () => {
  const file = readFileSync(process.env.HOOKDOCK_EVENT_FILE, 'utf8');
  const payloadOf = (t) => t.slice(t.indexOf(',"payload":') + ',"payload":'.length, -1);
  const valid = (t) => { try { JSON.parse(t); return true; } catch { return false; } };
  console.log(JSON.stringify({ stdin: payloadOf(text), file: payloadOf(file), valid: valid(text) && valid(file) }));
});
`;
// Fails until HOOKDOCK_ATTEMPT reaches argv[2], sending nothing.
const FLAKY = `
const attempt = Number(process.env.HOOKDOCK_ATTEMPT);
if (attempt < Number(process.argv[2])) { console.error('attempt ' + attempt + ' failed on purpose'); process.exit(1); }
console.log('attempt ' + attempt + ' worked');
`;

// Sends one webhook to the destination "slow".
const SENDS = `console.log(JSON.stringify({ send: { destination: 'slow', type: 'order.paid', data: { n: 1 } } }));`;

async function startEngine(automations: unknown[], destinations: unknown[] = []): Promise<Engine> {
  await writeFile(join(dir, 'raw-payload.mjs'), RAW_PAYLOAD);
  await writeFile(join(dir, 'flaky.mjs'), FLAKY);
  await writeFile(join(dir, 'sends.mjs'), SENDS);
  const config = {
    sources: [{ id: 'open', provider: 'none' }],
    automations,
    destinations,
    tunnel: { provider: 'none' },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: '9.9.9-test' });
  await engine.start();
  return engine;
}

async function post(e: Engine, body: string): Promise<string> {
  const res = await fetch(`${e.receiverUrl()}/hooks/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

const settledRuns = (e: Engine, id: string, n = 1) =>
  waitFor(
    async () => {
      const event = await e.handlers.getEvent({ id });
      return event.runs.length >= n && event.runs.every((r) => r.status === 'succeeded' || r.status === 'failed')
        ? event
        : null;
    },
    15_000,
    `runs of ${id}`,
  );

beforeEach(async () => {
  dir = await makeTempDir('hookdock-automations-engine-');
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await removeDir(dir);
});

describe('automations in the engine', () => {
  it("hands the script the provider's payload bytes exactly: ids past 2^53 keep their digits", async () => {
    const e = await startEngine([
      { id: 'raw', source: 'open', events: ['*'], run: { command: join(dir, 'raw-payload.mjs'), timeoutSeconds: 20 } },
    ]);
    // A Shopify-sized id, a price JSON.stringify would shorten, and the sender's own spacing.
    const body = '{\n  "id": 820982911946155508, "total": 59.00,\n  "line_items": [{"id": 466157049466157049}] }';
    const id = await post(e, body);
    const event = await settledRuns(e, id);
    expect(event.runs[0].status).toBe('succeeded');
    const report = JSON.parse(event.runs[0].attempts[0].stdout);
    expect(report).toEqual({ stdin: body, file: body, valid: true });
    expect(report.stdin).toContain('820982911946155508');
  });

  it('says what ran in the feed, and moves the status counts as a run fails for good and is retried by hand', async () => {
    const e = await startEngine([
      {
        id: 'flaky',
        source: 'open',
        events: ['*'],
        run: { command: join(dir, 'flaky.mjs'), args: ['3'], timeoutSeconds: 20 },
        retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 20 },
      },
    ]);
    const statuses: Status[] = [];
    e.bus.on('status.changed', (s) => statuses.push(s));
    const id = await post(e, '{"id": 1}');
    const failed = await settledRuns(e, id);
    expect(failed.runs[0].status).toBe('failed');
    expect(failed.ran).toEqual([{ automationId: 'flaky', status: 'failed' }]);
    const page = await e.handlers.listEvents({ limit: 50 });
    expect(page.items.find((i) => i.id === id)?.ran).toEqual([{ automationId: 'flaky', status: 'failed' }]);
    // Pushed, not only fetched: the header's "Failed scripts" follows without a refetch.
    await waitFor(() => statuses.some((s) => s.counts.runsFailed === 1), 5000, 'status.changed with a failed run');

    await e.handlers.retryRun({ id: failed.runs[0].id });
    const retried = await settledRuns(e, id);
    expect(retried.runs[0].status).toBe('succeeded');
    expect(retried.ran).toEqual([{ automationId: 'flaky', status: 'succeeded' }]);
    await waitFor(
      () => statuses.at(-1)?.counts.runsFailed === 0 && statuses.at(-1)?.counts.jobsPending === 0,
      5000,
      'status.changed back to 0',
    );
  });

  it('pushes a status with no pending job once a delivery is done, though its job goes after its last update', async () => {
    // Answers after the status throttle window has passed, so the status push is due at once on 'delivered'.
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('ok'), 700));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const port = (server.address() as { port: number }).port;
      const e = await startEngine(
        [{ id: 'sends', source: 'open', events: ['*'], run: { command: join(dir, 'sends.mjs'), timeoutSeconds: 20 } }],
        [
          {
            id: 'slow',
            url: `http://127.0.0.1:${port}/hook`,
            secret: 'whsec_' + Buffer.from('slow-destination-secret-01').toString('base64'),
          },
        ],
      );
      const statuses: Status[] = [];
      e.bus.on('status.changed', (s) => statuses.push(s));
      const id = await post(e, '{"id": 2}');
      await waitFor(
        async () => (await e.handlers.getEvent({ id })).deliveries[0]?.status === 'delivered',
        10_000,
        'delivered',
      );
      await waitFor(() => statuses.at(-1)?.counts.jobsPending === 0, 3000, 'a status with no pending job');
      expect((await e.handlers.getStatus({})).counts.jobsPending).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
