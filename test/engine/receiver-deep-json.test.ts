// A body nested thousands of levels deep parses (JSON.parse reads any depth) but
// then breaks everything that serializes its payload: the dashboard's event detail
// never answered, and a script's stdin envelope could not be written. Such a
// payload is kept as its text: a JSON-only provider's signed body gets 400 with a
// sentence saying why (stored as rejected), a `none` source's is stored and runs
// with the text as payload. Real engine on port 0, real HTTP, a real script.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import { MAX_JSON_DEPTH } from '../../electron/engine/store/event-payload';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { script } from './automations-harness';

let dir: string;
let engine: Engine;
const runs = new Map<string, Run>();
const waiters: (() => void)[] = [];

beforeAll(async () => {
  dir = await makeTempDir();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources: [
        { id: 'shop', provider: 'shopify', secret: 'shop-secret' },
        { id: 'open', provider: 'none' },
      ],
      automations: [
        {
          id: 'report',
          name: 'report',
          enabled: true,
          source: 'open',
          events: ['*'],
          run: { command: script('payload-shape.mjs'), args: [], cwd: null, timeoutSeconds: 60 },
        },
      ],
      tunnel: { provider: 'none' },
    }),
  );
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: '9.9.9-test' });
  engine.bus.on('run.updated', (run) => {
    runs.set(run.id, run);
    for (const wake of waiters.splice(0)) wake();
  });
  await engine.start();
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await removeDir(dir);
});

type Answer = { status: number; json: { id?: string; duplicate?: boolean; error?: { code: string; message: string } } };

function post(path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${engine.receiverUrl()}${path}`,
      { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Answer['json'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const shopify = (body: string, eventId: string) =>
  post('/hooks/shop', body, {
    'Content-Type': 'application/json',
    'X-Shopify-Topic': 'orders/create',
    'X-Shopify-Event-Id': eventId,
    'X-Shopify-Hmac-Sha256': createHmac('sha256', 'shop-secret').update(body).digest('base64'),
  });

const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('JSON nested too deeply to serialize', () => {
  it('answers a signed Shopify body 100,000 levels deep with 400 and a sentence; the rejected event can be read', async () => {
    const body = '['.repeat(100_000) + ']'.repeat(100_000);
    const a = await shopify(body, 'deep-1');
    expect(a.status).toBe(400);
    expect(a.json.error?.code).toBe('invalid_json');
    expect(a.json.error?.message).toContain(`more than ${MAX_JSON_DEPTH} levels deep`);
    const { items } = await engine.handlers.listEvents({ source: 'shop', status: 'rejected', limit: 10 });
    expect(items).toHaveLength(1);
    const event = await engine.handlers.getEvent({ id: items[0]!.id });
    expect(event.payload).toBe(body);
    // What the dashboard's res.json does with it: it must not throw.
    expect(JSON.parse(JSON.stringify(event)).body.text).toBe(body);
  });

  it('still parses a body at the depth limit as JSON', async () => {
    const body = nested(MAX_JSON_DEPTH - 1);
    const a = await shopify(body, 'deep-ok');
    expect(a).toMatchObject({ status: 200, json: { duplicate: false } });
    const event = await engine.handlers.getEvent({ id: a.json.id! });
    expect(typeof event.payload).toBe('object');
  });

  it('stores a none source body 100,000 levels deep and runs its script with the text as payload', async () => {
    const body = nested(100_000);
    const a = await post('/hooks/open', body, { 'Content-Type': 'application/json' });
    expect(a).toMatchObject({ status: 200, json: { duplicate: false } });
    for (;;) {
      const run = [...runs.values()].find(
        (r) => r.eventId === a.json.id && r.status !== 'queued' && r.status !== 'running',
      );
      if (run) {
        expect(run.status).toBe('succeeded');
        expect(JSON.parse(run.attempts[0]!.stdout)).toEqual({ type: 'string', length: body.length });
        break;
      }
      await new Promise<void>((wake) => waiters.push(wake));
    }
    expect(JSON.stringify(await engine.handlers.getEvent({ id: a.json.id! })).length).toBeGreaterThan(body.length);
  });
});
