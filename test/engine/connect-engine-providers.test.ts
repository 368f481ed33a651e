// Connect end to end through the engine for WooCommerce, GitHub and Square (Stripe has
// connect-stripe.test.ts, Shopify the Chromium test): the manager creates the subscription at
// the public webhook URL with each provider's fake, fills the source's secret (and Square's
// notificationUrl), re-creates a deleted subscription and re-enables a disabled one.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnectorRegistry } from '../../electron/engine/connect/registry';
import { createEngine } from '../../electron/engine/engine';
import { HEARTBEAT_FILE } from '../../electron/engine/gaps/ledger';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github';
import { startFakeSquare, type FakeSquare } from '../helpers/fake-square';
import { startFakeWoocommerce, wooOrder, type FakeWoocommerce } from '../helpers/fake-woocommerce';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

const PUBLIC = 'https://shop-hooks.example.test';
const GH_TOKEN = 'github_pat_' + 'Q'.repeat(30);
const SQ_TOKEN = 'EAAA' + 'k'.repeat(40);

let dir: string;
let engine: Engine | null = null;
let woo: FakeWoocommerce;
let gh: FakeGithub;
let sq: FakeSquare;
const logger = memoryLogger();

beforeEach(async () => {
  dir = await makeTempDir('hookdock-connect-engine-');
  [woo, gh, sq] = await Promise.all([startFakeWoocommerce(), startFakeGithub(), startFakeSquare()]);
  gh.tokens.set(GH_TOKEN, { repos: ['octo/shop'], orgs: [], webhooks: true });
  sq.tokens.set(SQ_TOKEN, { missingScopes: [] });
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await Promise.all([woo.close(), gh.close(), sq.close()]);
  await removeDir(dir);
});

/** `extra` config keys; null = start on the config.json as Hookdock left it (with the secrets it saved). */
async function boot(extra: object | null = {}): Promise<Engine> {
  if (extra)
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        ...extra,
        sources: [
          {
            id: 'woo',
            provider: 'woocommerce',
            connect: { credential: woo.credential, events: ['order.created'], account: 'https://shop.example.com' },
          },
          { id: 'gh', provider: 'github', connect: { credential: GH_TOKEN, events: ['push'], account: 'octo/shop' } },
          { id: 'pos', provider: 'square', connect: { credential: SQ_TOKEN, events: ['payment.created'] } },
        ],
      }),
    );
  engine = createEngine({
    dataDir: dir,
    port: 0,
    tunnel: 'none',
    publicUrl: PUBLIC,
    logger,
    connect: {
      registry: createConnectorRegistry(undefined, {
        HOOKDOCK_WOOCOMMERCE_API_BASE: woo.url,
        HOOKDOCK_GITHUB_API_BASE: gh.baseUrl,
        HOOKDOCK_SQUARE_API_BASE: sq.baseUrl,
      }),
    },
  });
  await engine.start();
  await engine.connect.idle();
  return engine;
}

const sourcesOf = async (e: Engine) =>
  Object.fromEntries((await e.handlers.getConfig({})).sources.map((s) => [s.id, s]));
const secretOf = (e: Engine, id: string) => e.config.current().sources.find((s) => s.id === id)!;

it('creates each subscription at the public webhook URL and keeps the secret it verifies with', async () => {
  const e = await boot();
  const sources = await sourcesOf(e);
  for (const id of ['woo', 'gh', 'pos']) expect(sources[id]!.managed, id).toMatchObject({ state: 'active' });

  const [hook] = [...woo.webhooks.values()];
  expect(hook).toMatchObject({ delivery_url: `${PUBLIC}/hooks/woo`, topic: 'order.created', status: 'active' });
  expect(secretOf(e, 'woo').secret).toBe(hook!.secret);

  const [ghHook] = [...gh.hooks.values()];
  expect(ghHook).toMatchObject({ owner: 'repo:octo/shop', active: true, events: ['push'] });
  expect(ghHook!.config.url).toBe(`${PUBLIC}/hooks/gh`);
  expect(secretOf(e, 'gh').secret).toBe(ghHook!.config.secret);

  const [sub] = [...sq.subscriptions.values()];
  expect(sub).toMatchObject({
    notification_url: `${PUBLIC}/hooks/pos`,
    event_types: ['payment.created'],
    enabled: true,
  });
  expect(secretOf(e, 'pos').secret).toBe(sub!.signature_key);
  // Square signs the URL it posts to plus the body: a notification it signs for the registered URL is accepted.
  const body = sq.addEvent({
    event_id: 'evt-pay-1',
    type: 'payment.created',
    created_at: new Date().toISOString(),
    dataJson: '{"type":"payment","id":"pay_1","object":{"payment":{"id":"pay_1"}}}',
  });
  const signature = createHmac('sha256', sub!.signature_key)
    .update(sub!.notification_url + body)
    .digest('base64');
  const res = await fetch(`${e.receiverUrl()}/hooks/pos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
    body,
  });
  expect(res.status).toBe(200);

  // No credential in what the dashboard gets.
  const answer = JSON.stringify(await e.handlers.getConfig({}));
  for (const c of [woo.credential, GH_TOKEN, SQ_TOKEN]) expect(answer).not.toContain(c);
});

it('re-creates a deleted subscription and re-enables a disabled one at the next check', async () => {
  const e = await boot();
  // WooCommerce disabled its webhook (more than 5 failures); GitHub's hook was deleted; Square's disabled.
  const [hook] = [...woo.webhooks.values()];
  hook!.status = 'disabled';
  const [ghHook] = [...gh.hooks.values()];
  gh.hooks.delete(ghHook!.id);
  const [sub] = [...sq.subscriptions.values()];
  sub!.enabled = false;

  await e.connect.checkAll();
  const sources = await sourcesOf(e);
  expect(hook!.status).toBe('active');
  expect(sources.woo!.managed?.lastAction).toMatch(/enabled/i);
  const [again] = [...gh.hooks.values()];
  expect(again!.id).not.toBe(ghHook!.id);
  expect(again!.config.url).toBe(`${PUBLIC}/hooks/gh`);
  expect(secretOf(e, 'gh').secret).toBe(again!.config.secret); // the new hook's secret
  expect(sources.gh!.managed?.lastAction).toMatch(/created/i);
  expect(sub!.enabled).toBe(true);
  expect(sources.pos!.managed?.lastAction).toMatch(/enabled/i);
});

it('WooCommerce after a gap: an order made while Hookdock was off is recovered, run once; its late webhook is a duplicate', async () => {
  const csv = join(dir, 'orders.csv');
  const automations = [
    {
      id: 'log',
      source: 'woo',
      events: ['order.created'],
      action: { kind: 'csv', file: csv, columns: [{ name: 'Order', value: '{{ payload.number }}' }] },
    },
  ];
  let e = await boot({ automations });
  await e.stop();
  // Hookdock was not running from 10 minutes ago until now; order 1042 came in meanwhile.
  await writeFile(
    join(dir, HEARTBEAT_FILE),
    JSON.stringify({ at: new Date(Date.now() - 600_000).toISOString(), pid: 1 }),
  );
  const order = wooOrder(1042, Date.now() - 1000);
  woo.orders.push(order);

  e = await boot(null);
  const gaps = await waitFor(async () => {
    const { items } = await e.handlers.listGaps({});
    return items[0]?.recoveries?.some((r) => r.source === 'woo') ? items : null;
  }, 30_000);
  expect(gaps[0]!.recoveries!.find((r) => r.source === 'woo')).toMatchObject({ recovered: 1 });
  const page = await e.handlers.listEvents({ source: 'woo', limit: 10 });
  expect(page.items.map((x) => [x.type, x.recovered])).toEqual([['order.created', true]]);
  await waitFor(async () => ((await readFile(csv, 'utf8').catch(() => '')).includes('1042') ? true : null), 30_000);

  // WooCommerce's own delivery of that order arrives late, signed: a duplicate that runs nothing.
  const [hook] = [...woo.webhooks.values()];
  const body = JSON.stringify(order);
  const res = await fetch(`${e.receiverUrl()}/hooks/woo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': String(hook!.id),
      'x-wc-webhook-delivery-id': 'd'.repeat(32),
      'x-wc-webhook-signature': createHmac('sha256', hook!.secret).update(body).digest('base64'),
    },
    body,
  });
  expect([res.status, await res.json()]).toEqual([200, expect.objectContaining({ duplicate: true })]);
  await e.connect.idle();
  const rows = (await readFile(csv, 'utf8')).trim().split('\n');
  expect(rows.filter((r) => r.includes('1042'))).toHaveLength(1);
});
