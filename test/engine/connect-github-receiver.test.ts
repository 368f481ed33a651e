// GitHub recovery end to end: the fake GitHub really posts its deliveries and redeliveries, signed,
// to the real receiver (express on port 0) over the real store in a temp dir. A delivery GitHub
// recorded as failed although it arrived comes back as a duplicate; one that never arrived is
// stored once; the owner's automations would run once for each.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createGithubConnector } from '../../electron/engine/connect/github';
import type { ConnectorContext } from '../../electron/engine/connect/types';
import { createReceiverApp } from '../../electron/engine/receiver/app';
import { createBus } from '../../electron/engine/util/bus';
import type { Clock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { configSchema } from '../../shared/config';
import type { EventSummary } from '../../shared/types';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github';
import { openStore, tempDir } from './store-helpers';

const TOKEN = 'github_pat_11ABCDEFG0123456789_receiver';
const SECRET = 'hookdock-generated-secret-for-code';

let gh: FakeGithub;
let receiverUrl: string;
let store: Awaited<ReturnType<typeof openStore>>;
const accepted: EventSummary[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  accepted.length = 0;
  gh = await startFakeGithub();
  gh.tokens.set(TOKEN, { repos: ['octo/shop'], orgs: [], webhooks: true });
  cleanups.push(() => gh.close());
  const { dir, cleanup } = await tempDir();
  store = await openStore(dir);
  cleanups.push(async () => {
    await store.close();
    await cleanup();
  });
  const config = configSchema.parse({ sources: [{ id: 'code', provider: 'github', secret: SECRET }] });
  const app = createReceiverApp({
    store,
    bus: createBus(),
    logger: memoryLogger(),
    clock: { now: () => Date.now(), setTimeout, clearTimeout } as unknown as Clock,
    getConfig: () => config,
    publicUrl: () => null,
    receiverUrl: () => receiverUrl,
    onAccepted: (s) => accepted.push(s),
  });
  const server = http.createServer(app);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

it('redelivers what failed: the one that had arrived is a duplicate, the lost one is stored once', async () => {
  const ctx: ConnectorContext = { apiBase: gh.baseUrl, credential: TOKEN, account: 'octo/shop', fetch };
  const connector = createGithubConnector();
  const from = Date.now();
  const { subscription: sub } = await connector.create(ctx, {
    url: `${receiverUrl}/hooks/code`,
    events: ['issues.opened', 'push'],
    secret: SECRET,
  });
  const hookId = Number(sub.id);
  const issue = (n: number) => JSON.stringify({ action: 'opened', issue: { number: n, title: `Issue ${n}` } });

  const ok = await gh.send(hookId, { guid: 'guid-ok', event: 'issues', action: 'opened', body: issue(1) });
  expect(ok.status_code).toBe(200);
  // Arrived and was stored, but GitHub gave up waiting and recorded a failure.
  await gh.send(hookId, { guid: 'guid-arrived', event: 'issues', action: 'opened', body: issue(2) }, { recordAs: 0 });
  // Never arrived: Hookdock was not running.
  await gh.send(hookId, { guid: 'guid-lost', event: 'issues', action: 'opened', body: issue(3) }, { lost: true });
  expect(accepted.map((s) => s.providerEventId)).toEqual(['guid-ok', 'guid-arrived']);

  const result = await connector.recover!(ctx, sub, { from, to: Date.now() + 1 });
  expect(result).toEqual({ deliveries: [], redelivered: 2, notes: [] });
  await gh.whenRedelivered(2);
  expect([...gh.redelivered].sort((a, b) => a.guid.localeCompare(b.guid))).toEqual([
    { guid: 'guid-arrived', status: 200 },
    { guid: 'guid-lost', status: 200 },
  ]);

  // Stored once each, and only the lost one is new: automations ran once per event.
  expect(accepted.map((s) => s.providerEventId)).toEqual(['guid-ok', 'guid-arrived', 'guid-lost']);
  const page = store.listEvents({ source: 'code', limit: 10 });
  expect(page.items.map((e) => [e.providerEventId, e.type, e.redeliveries]).sort()).toEqual([
    ['guid-arrived', 'issues.opened', 1],
    ['guid-lost', 'issues.opened', 0],
    ['guid-ok', 'issues.opened', 0],
  ]);

  // A later check finds nothing left to ask for.
  expect((await connector.recover!(ctx, sub, { from, to: Date.now() + 1 })).redelivered).toBe(0);
});
