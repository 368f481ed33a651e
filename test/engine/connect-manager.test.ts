// The Connect manager on real parts (config service and store on files in a temp dir,
// the bus, the stripe SDK over real HTTP to the fake Stripe API), with the webhook base
// URL in the test's hands: a new public URL updates the endpoint, an edited event list
// updates it, a removed source deletes it, a Stripe outage is retried later, and the
// credential at rest goes through the keychain codec like every other secret.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfigService } from '../../electron/engine/config';
import { createSecretsAtRest, mapSecretFields } from '../../electron/engine/config/secrets';
import { createConnectManager, type ConnectManager } from '../../electron/engine/connect/manager';
import { createConnectorRegistry } from '../../electron/engine/connect/registry';
import { createStore } from '../../electron/engine/store';
import type { ConfigService } from '../../electron/engine/types';
import { createBus } from '../../electron/engine/util/bus';
import { systemClock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const KEY = 'rk_test_' + 'Mg5Hh6Jj7Kk8Ll9Pp0Qq1Rr2';

let dir: string;
let fake: FakeStripe;
let base: string;
let config: ConfigService;
let store: ReturnType<typeof createStore>;
let manager: ConnectManager;
/** What start() started, stopped after each test. */
const started: (() => Promise<void>)[] = [];
const bus = createBus();
const logger = memoryLogger();

async function start(retryMs = 60_000, checkEveryMs?: number) {
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources: [{ id: 'payments', provider: 'stripe', connect: { credential: KEY, events: ['charge.succeeded'] } }],
    }),
  );
  config = createConfigService({ dataDir: dir, bus, logger });
  await config.start();
  store = createStore({ dataDir: dir, logger });
  await store.open();
  manager = createConnectManager({
    dataDir: dir,
    bus,
    clock: systemClock,
    logger,
    store,
    config,
    fetch: globalThis.fetch,
    webhookBase: () => base,
    onAccepted: () => undefined,
    gaps: () => [],
    registry: createConnectorRegistry(undefined, { HOOKDOCK_STRIPE_API_BASE: fake.url }),
    retryMs,
    checkEveryMs,
  });
  await manager.start();
  started.push(
    () => manager.stop(),
    () => store.close(),
    () => config.stop(),
  );
  await manager.idle();
}

beforeEach(async () => {
  dir = await makeTempDir();
  fake = await startFakeStripe();
  fake.addKey(KEY);
  base = 'https://one.example.test';
});

afterEach(async () => {
  for (const stop of started.splice(0)) await stop();
  await fake.close();
  await removeDir(dir);
});

const endpoint = () => [...fake.endpoints.values()][0]!;

describe('Connect manager', () => {
  it('points the endpoint at the new public URL when it changes, and follows an edited event list', async () => {
    await start();
    expect(endpoint().url).toBe('https://one.example.test/hooks/payments');
    base = 'https://two.example.test';
    bus.emit('tunnel.urlChanged', { previous: 'https://one.example.test', url: base });
    await manager.idle();
    expect(fake.endpoints.size).toBe(1);
    expect(endpoint().url).toBe('https://two.example.test/hooks/payments');
    expect(manager.managed('payments')).toMatchObject({ state: 'active', url: endpoint().url });
    expect(manager.managed('payments')?.lastAction).toMatch(
      /^Pointed the subscription at https:\/\/two\.example\.test\/hooks\/payments at/,
    );

    await config.update((draft) => {
      draft.sources[0]!.connect!.events = ['charge.succeeded', 'invoice.paid'];
    });
    await manager.idle();
    expect(endpoint().enabled_events).toEqual(['charge.succeeded', 'invoice.paid']);
    expect(manager.managed('payments')?.lastAction).toMatch(/^Updated the subscribed event types at/);
  });

  it('runs one operation per source at a time, however many changes come at once', async () => {
    await start();
    const busy = [
      config.update((d) => void (d.sources[0]!.connect!.events = ['a.one'])),
      manager.checkAll(),
      config.update((d) => void (d.sources[0]!.connect!.events = ['a.two'])),
      manager.checkAll(),
    ];
    base = 'https://three.example.test';
    bus.emit('tunnel.urlChanged', { previous: null, url: base });
    await Promise.all(busy);
    await manager.idle();
    expect(fake.maxInFlight()).toBe(1);
    expect(fake.endpoints.size).toBe(1);
    expect(endpoint()).toMatchObject({ url: 'https://three.example.test/hooks/payments', enabled_events: ['a.two'] });
  });

  it('checks every subscription on its own every checkEveryMs, and re-creates one deleted meanwhile', async () => {
    await start(60_000, 50);
    const first = endpoint();
    const repaired = new Promise<void>((ok) =>
      bus.on('connect.changed', ({ managed }) => managed?.state === 'repaired' && ok()),
    );
    fake.deleteEndpoint(first.id);
    await repaired;
    expect(fake.endpoints.size).toBe(1);
    expect(endpoint().id).not.toBe(first.id);
    expect(manager.managed('payments')?.lastAction).toMatch(/^Re-created the subscription Stripe had deleted at/);
  });

  it('deletes the endpoint when the source is removed', async () => {
    await start();
    expect(fake.endpoints.size).toBe(1);
    await config.update((draft) => {
      draft.sources = [];
    });
    await manager.idle();
    expect(fake.endpoints.size).toBe(0);
    expect(manager.managed('payments')).toBeNull();
    const onDisk = JSON.parse(await readFile(join(dir, 'connect.json'), 'utf8')) as { sources: object };
    expect(onDisk.sources).toEqual({});
  });

  it('a Stripe outage is shown as a sentence and retried later, then the endpoint is created', async () => {
    fake.failNext(2, 500);
    await start(20);
    // First attempt failed; the retry after 20 ms fails too, the one after 40 ms succeeds.
    expect(manager.managed('payments')).toMatchObject({ state: 'error' });
    expect(manager.managed('payments')?.error).toMatch(
      /^Stripe had a problem \(HTTP 500\) trying to create the webhook endpoint; Hookdock will try again\.$/,
    );
    await waitFor(() => manager.managed('payments')?.state === 'active', 30_000, 'the retry to create the endpoint');
    expect(fake.endpoints.size).toBe(1);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('keeps the credential at rest through the keychain codec, like sources[].secret', async () => {
    const codec = {
      mode: 'os-keychain' as const,
      encode: (p: string) => 'enc:' + Buffer.from(p).toString('base64'),
      decode: (s: string) => (s.startsWith('enc:') ? Buffer.from(s.slice(4), 'base64').toString() : s),
    };
    const raw = {
      sources: [{ id: 'payments', provider: 'stripe', secret: 'whsec_x', connect: { credential: KEY, events: ['a'] } }],
    };
    const paths: string[] = [];
    mapSecretFields(raw, (v, p) => (paths.push(p), v));
    expect(paths).toEqual(['sources[0].secret', 'sources[0].connect.credential']);
    const encoded = createSecretsAtRest(codec).encode(raw);
    expect(JSON.stringify(encoded)).not.toContain(KEY);
    expect(createSecretsAtRest(codec).decode(encoded).raw).toEqual(raw);

    // Through the config service on a real file: a hand-typed credential is saved back encoded.
    await writeFile(join(dir, 'config.json'), JSON.stringify(raw));
    const svc = createConfigService({ dataDir: dir, bus, logger, secretCodec: codec, pollMs: 50, debounceMs: 10 });
    await svc.start();
    try {
      expect(svc.current().sources[0]!.connect?.credential).toBe(KEY);
      await waitFor(async () => !(await readFile(join(dir, 'config.json'), 'utf8')).includes(KEY), 30_000);
      expect(await readFile(join(dir, 'config.json'), 'utf8')).toContain('enc:');
    } finally {
      await svc.stop();
    }
  });
});
