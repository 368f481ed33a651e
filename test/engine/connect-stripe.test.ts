// Connect with Stripe, end to end in the engine: the real engine on port 0, real files
// in a temp dir, the real `stripe` SDK talking real HTTP to a fake Stripe API that
// follows Stripe's documented shapes (test/helpers/fake-stripe.ts). No real Stripe
// API is called.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../electron/engine/connect/registry';
import { createEngine } from '../../electron/engine/engine';
import { HEARTBEAT_FILE } from '../../electron/engine/gaps/ledger';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const KEY = 'rk_test_' + 'Hd7kQ2mZ9xPbL4vT8nWc3yRf';
const EVENTS = ['charge.succeeded', 'charge.refunded'];

let dir: string;
let fake: FakeStripe;
let engine: Engine | null;
let logger: ReturnType<typeof memoryLogger>;

const writeConfig = (config: object) => writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
const connected = (extra: object = {}) => ({
  sources: [{ id: 'payments', provider: 'stripe', connect: { credential: KEY, events: EVENTS }, ...extra }],
});

async function boot(): Promise<Engine> {
  engine = createEngine({
    dataDir: dir,
    port: 0,
    tunnel: 'none',
    logger,
    connect: { registry: createConnectorRegistry(undefined, { HOOKDOCK_STRIPE_API_BASE: fake.url }) },
  });
  await engine.start();
  await engine.connect.idle();
  return engine;
}

async function source(e: Engine) {
  const config = await e.handlers.getConfig({});
  return config.sources.find((s) => s.id === 'payments')!;
}

const onlyEndpoint = () => {
  expect(fake.endpoints.size).toBe(1);
  return [...fake.endpoints.values()][0]!;
};

beforeEach(async () => {
  dir = await makeTempDir();
  fake = await startFakeStripe();
  fake.addKey(KEY, { webhookEndpoints: 'write', events: 'read' });
  logger = memoryLogger();
  engine = null;
});

afterEach(async () => {
  await engine?.stop();
  await fake.close();
  await removeDir(dir);
});

describe('Connect: Stripe', () => {
  it('creates the endpoint at the webhook URL, keeps its whsec_ secret, and a webhook signed with it is accepted', async () => {
    await writeConfig(connected());
    const e = await boot();
    const endpoint = onlyEndpoint();
    expect(endpoint.url).toBe(`${e.receiverUrl()}/hooks/payments`);
    expect(endpoint.enabled_events).toEqual(EVENTS);
    expect(endpoint.api_version).toMatch(/^\d{4}-\d{2}-\d{2}/); // the SDK's, as the events list answers
    expect(fake.requests.find((r) => r.method === 'POST')?.authorization).toBe(`Bearer ${KEY}`);

    const s = await source(e);
    expect(s.managed).toMatchObject({ state: 'active', subscriptionId: endpoint.id, url: endpoint.url, error: null });
    expect(s.managed?.lastAction).toMatch(/^Created the Stripe subscription at \d\d:\d\d UTC$/);
    expect(s.connect).toMatchObject({ hasCredential: true, events: EVENTS });
    expect(s.connect?.credential).not.toBe(KEY);
    expect(s.hasSecret).toBe(true);
    expect(e.config.current().sources[0]!.secret).toBe(endpoint.secret);

    const answer = await fake.deliver(endpoint.id, fake.addEvent('charge.succeeded'));
    expect(answer).toMatchObject({ status: 200, body: { duplicate: false } });
    const state = JSON.parse(await readFile(join(dir, 'connect.json'), 'utf8')) as { sources: Record<string, unknown> };
    expect(state.sources.payments).toMatchObject({ subscriptionId: endpoint.id, state: 'active' });
  });

  it('connects and disconnects through PUT /api/sources/:id (saveSource); connect: null deletes the endpoint', async () => {
    await writeConfig({ sources: [] });
    const e = await boot();
    await e.handlers.saveSource({ id: 'payments', provider: 'stripe', connect: { credential: KEY, events: EVENTS } });
    await e.connect.idle();
    const endpoint = onlyEndpoint();
    expect((await source(e)).managed?.state).toBe('active');

    // A save that leaves `connect` out (renaming) keeps it, credential included.
    await e.handlers.saveSource({ id: 'payments', provider: 'stripe', name: 'Payments' });
    await e.connect.idle();
    expect(e.config.current().sources[0]!.connect?.credential).toBe(KEY);
    expect(fake.endpoints.has(endpoint.id)).toBe(true);

    await e.handlers.saveSource({ id: 'payments', provider: 'stripe', connect: null });
    await e.connect.idle();
    expect(fake.endpoints.size).toBe(0);
    expect((await source(e)).managed).toBeNull();
  });

  it('re-creates an endpoint deleted at Stripe (new secret kept) and re-enables a disabled one', async () => {
    await writeConfig(connected());
    const e = await boot();
    const first = onlyEndpoint();

    fake.deleteEndpoint(first.id);
    await e.connect.checkAll();
    const second = onlyEndpoint();
    expect(second.id).not.toBe(first.id);
    expect(second.url).toBe(first.url);
    let s = await source(e);
    expect(s.managed).toMatchObject({ state: 'repaired', subscriptionId: second.id });
    expect(s.managed?.lastAction).toMatch(/^Re-created the subscription Stripe had deleted at/);
    expect(e.config.current().sources[0]!.secret).toBe(second.secret);
    expect(await fake.deliver(second.id, fake.addEvent('charge.refunded'))).toMatchObject({ status: 200 });

    fake.disableEndpoint(second.id);
    await e.connect.checkAll();
    expect(fake.endpoints.get(second.id)?.status).toBe('enabled');
    s = await source(e);
    expect(s.managed?.lastAction).toMatch(/^Re-enabled the subscription Stripe had disabled at/);
  });

  it('after a gap, stores the missed events once as recovered, runs automations once, and a late webhook is a duplicate', async () => {
    const csv = join(dir, 'runs.csv');
    await writeConfig({
      ...connected(),
      automations: [
        {
          id: 'log',
          events: ['charge.*'],
          source: 'payments',
          action: { kind: 'csv', file: csv, columns: [{ name: 'Stripe event', value: '{{ payload.id }}' }] },
        },
      ],
    });
    let e = await boot();
    const endpoint = onlyEndpoint();
    const start = Math.floor(Date.now() / 1000);
    // Received before the gap closes, and also listed by Stripe: stored once.
    const seen = fake.addEvent('charge.succeeded', { created: start - 60 });
    expect(await fake.deliver(endpoint.id, seen)).toMatchObject({ status: 200, body: { duplicate: false } });
    await e.stop();

    // Hookdock was not running from 10 minutes ago (its last heartbeat) until now.
    await writeFile(
      join(dir, HEARTBEAT_FILE),
      JSON.stringify({ at: new Date(Date.now() - 600_000).toISOString(), pid: 1 }),
    );
    const missed = Array.from({ length: 105 }, (_, i) =>
      fake.addEvent('charge.refunded', { created: start - 100 + i }),
    );
    fake.addEvent('customer.created', { created: start - 50 }); // not subscribed: not recovered
    fake.addEvent('charge.succeeded', { created: start - 3600 }); // before the gap: not asked for

    e = await boot();
    const gaps = await waitFor(async () => {
      const { items } = await e.handlers.listGaps({});
      return items[0]?.recoveries?.length ? items : null;
    }, 30_000);
    expect(gaps[0]!.recoveries![0]).toMatchObject({ source: 'payments', recovered: 105, recreated: 0, reenabled: 0 });

    const page = await e.handlers.listEvents({ source: 'payments', limit: 500 });
    const recovered = page.items.filter((x) => x.recovered);
    expect(recovered).toHaveLength(105);
    expect(new Set(recovered.map((x) => x.providerEventId))).toEqual(new Set(missed.map((m) => m.id)));
    expect(page.items.filter((x) => x.providerEventId === seen.id)).toHaveLength(1);
    const one = await e.handlers.getEvent({ id: recovered[0]!.id });
    expect(one.verification).toEqual({ ok: true, reason: 'Recovered through the Stripe API' });
    expect(one.recovered).toBe(true);

    // Each event ran the automation once: 1 received + 105 recovered rows.
    await waitFor(async () => (await readFile(csv, 'utf8').catch(() => '')).trim().split('\n').length === 107, 60_000);
    const late = await fake.deliver(endpoint.id, missed[0]!);
    expect(late).toMatchObject({
      status: 200,
      body: { duplicate: true, id: recovered.find((r) => r.providerEventId === missed[0]!.id)!.id },
    });
    const runs = (await e.handlers.getEvent({ id: (late.body as { id: string }).id })).runs;
    expect(runs).toHaveLength(1);
    const rows = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(rows.filter((r) => r.includes(missed[0]!.id))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === '/v1/events').length).toBe(2); // 105 events: two pages
  });

  it('a gap that ends while running (the public URL unreachable) is recovered, and the check re-creates a deleted endpoint', async () => {
    await writeConfig(connected());
    const e = await boot();
    const first = onlyEndpoint();
    const from = Date.now();
    e.gaps.ledger.open('unreachable', from);
    const missed = fake.addEvent('charge.succeeded', { created: Math.floor(from / 1000) });
    fake.deleteEndpoint(first.id); // Stripe gave up on the URL meanwhile
    const recovered = new Promise((ok) => e.bus.on('connect.recovered', ok));
    e.gaps.ledger.close('unreachable', Date.now());
    expect(await recovered).toMatchObject({ source: 'payments', recovered: 1, recreated: 1, reenabled: 0, notes: [] });
    const second = onlyEndpoint();
    expect(second.id).not.toBe(first.id);
    const page = await e.handlers.listEvents({ source: 'payments', limit: 10 });
    expect(page.items.map((x) => [x.providerEventId, x.recovered])).toEqual([[missed.id, true]]);
    // The late webhook, signed with the re-created endpoint's secret: a duplicate.
    expect(await fake.deliver(second.id, missed)).toMatchObject({ status: 200, body: { duplicate: true } });
  });

  it('a key Stripe refuses gives the owner a sentence to act on, and the key appears nowhere', async () => {
    const wrong = 'rk_test_' + 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2';
    await writeConfig({
      sources: [{ id: 'payments', provider: 'stripe', connect: { credential: wrong, events: EVENTS } }],
    });
    const e = await boot();
    const s = await source(e);
    expect(s.managed?.state).toBe('error');
    expect(s.managed?.error).toBe(
      'Stripe refused the key: create a restricted key in the Stripe Dashboard (Developers > API keys) with "Webhook Endpoints: write" and "Events: read", and paste it in Hookdock.',
    );
    const everything = [
      JSON.stringify(await e.handlers.getConfig({})),
      JSON.stringify(await e.handlers.getStatus({})),
      JSON.stringify(await e.handlers.listGaps({})),
      await readFile(join(dir, 'connect.json'), 'utf8'),
      logger.lines.join('\n'),
    ].join('\n');
    expect(everything).toContain('Stripe refused the key');
    for (const key of [wrong, wrong.slice(-4) + '"', wrong.slice(8, 20)]) expect(everything).not.toContain(key);

    // Another change to the config does not ask Stripe again with the key it refused (nor log it again)...
    const asked = () => fake.requests.filter((r) => r.authorization === `Bearer ${wrong}`).length;
    const before = asked();
    const refusals = logger.lines.filter((l) => l.includes('Stripe refused the key')).length;
    await e.handlers.saveSource({ id: 'shop', provider: 'shopify', secret: 'shpss_0123456789abcdef' });
    await e.connect.idle();
    expect(asked()).toBe(before);
    expect(logger.lines.filter((l) => l.includes('Stripe refused the key')).length).toBe(refusals);
    // ...a new key does, at once.
    await e.handlers.saveSource({
      id: 'payments',
      provider: 'stripe',
      connect: { credential: KEY, events: EVENTS },
    });
    await e.connect.idle();
    expect((await source(e)).managed?.state).toBe('active');
  });

  it('a restricted key without the webhook permission is told which permissions it needs', async () => {
    const readOnly = 'rk_test_' + 'Rr1Qq2Pp3Oo4Nn5Mm6Ll7Kk8';
    fake.addKey(readOnly, { webhookEndpoints: 'read', events: 'read' });
    await writeConfig({
      sources: [{ id: 'payments', provider: 'stripe', connect: { credential: readOnly, events: EVENTS } }],
    });
    const e = await boot();
    const s = await source(e);
    expect(s.managed?.state).toBe('error');
    expect(s.managed?.error).toMatch(
      /^Stripe says the key may not create the webhook endpoint: create a restricted key .*"Webhook Endpoints: write"/,
    );
    expect(fake.endpoints.size).toBe(0);
  });

  it('honours 429 Retry-After: waits what Stripe asked, then succeeds', async () => {
    fake.rateLimitNext(1, 1);
    await writeConfig(connected());
    const e = await boot();
    const endpoint = onlyEndpoint();
    // After creating, Hookdock lists the endpoints once (connect-stripe-stale.test.ts).
    const posts = fake.requests.filter((r) => r.method === 'POST');
    const [limited, created] = posts;
    expect(limited).toMatchObject({ method: 'POST', path: '/v1/webhook_endpoints', status: 429 });
    expect(created).toMatchObject({ method: 'POST', path: '/v1/webhook_endpoints', status: 200 });
    expect(created!.at - limited!.at).toBeGreaterThanOrEqual(1000);
    expect(posts).toHaveLength(2);
    expect((await source(e)).managed).toMatchObject({ state: 'active', subscriptionId: endpoint.id });
    expect(logger.lines.join('\n')).not.toContain(KEY);
  });
});
