// Connect end to end through the engine for WooCommerce, GitHub and Square (Stripe has
// connect-stripe.test.ts, Shopify the Chromium test): the manager creates the subscription at
// the public webhook URL with each provider's fake, fills the source's secret (and Square's
// notificationUrl), re-creates a deleted subscription and re-enables a disabled one.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnectorRegistry } from '../../electron/engine/connect/registry';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github';
import { startFakeSquare, type FakeSquare } from '../helpers/fake-square';
import { startFakeWoocommerce, type FakeWoocommerce } from '../helpers/fake-woocommerce';
import { makeTempDir, removeDir } from '../helpers/tmp';

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

async function boot(): Promise<Engine> {
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
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
