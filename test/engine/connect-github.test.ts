// The GitHub connector against a fake GitHub REST API on port 0 (test/helpers/fake-github.ts):
// create, get, update, delete, errors as sentences without the token, rate limits, and recovery by
// asking GitHub to redeliver failed deliveries.
import { describe, expect, it } from 'vitest';
import { createGithubConnector } from '../../electron/engine/connect/github';
import { connectFailure, contextMaker, fakeApiPerTest, HOUR } from '../helpers/connect';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github';

const TOKEN = 'github_pat_11ABCDEFG0123456789_secretvalue';
const SECRET = 'hookdock-generated-secret-0123456789';

let gh: FakeGithub;
let now: number;
const connector = () => createGithubConnector({ now: () => now });
const ctx = contextMaker(() => ({ apiBase: gh.baseUrl, credential: TOKEN, account: 'octo/shop', fetch }));
/** Expects a ConnectError that does not quote the token. */
const failure = (p: Promise<unknown>) => connectFailure(p, TOKEN);

fakeApiPerTest(startFakeGithub, (api) => {
  gh = api;
  gh.tokens.set(TOKEN, { repos: ['octo/shop'], orgs: ['octo-co'], webhooks: true });
  now = Date.now();
});

describe('GitHub connector: the hook', () => {
  it('creates a repository hook with the URL, the event names and the secret as sent, with GitHub headers', async () => {
    const { subscription, secret } = await connector().create(ctx(), {
      url: 'https://me.ngrok.app/hooks/code',
      events: ['push', 'pull_request.opened', 'pull_request.closed'],
      secret: SECRET,
    });
    expect(secret).toBe(SECRET);
    expect(subscription).toEqual({
      id: expect.stringMatching(/^\d+$/),
      url: 'https://me.ngrok.app/hooks/code',
      events: ['push', 'pull_request'],
      enabled: true,
    });
    const hook = gh.hooks.get(Number(subscription.id))!;
    expect(hook.owner).toBe('repo:octo/shop');
    expect(hook.config).toEqual({
      url: 'https://me.ngrok.app/hooks/code',
      content_type: 'json',
      insecure_ssl: '0',
      secret: SECRET,
    });
    const sent = gh.requests.find((r) => r.method === 'POST')!;
    expect(sent.path).toBe('/repos/octo/shop/hooks');
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers.accept).toBe('application/vnd.github+json');
    expect(sent.headers['x-github-api-version']).toBe('2022-11-28');
    expect(sent.body).toMatchObject({ name: 'web', active: true });
  });

  it('creates an organisation hook for org:name', async () => {
    const { subscription } = await connector().create(ctx({ account: 'org:octo-co' }), {
      url: 'https://me.ngrok.app/hooks/code',
      events: ['*'],
      secret: SECRET,
    });
    expect(gh.hooks.get(Number(subscription.id))!.owner).toBe('org:octo-co');
    expect(subscription.events).toEqual(['*']);
    expect((await connector().get(ctx({ account: 'org:octo-co' }), subscription.id))!.url).toBe(
      'https://me.ngrok.app/hooks/code',
    );
  });

  it('get: a deleted hook is null, a deactivated one is enabled: false', async () => {
    const c = connector();
    const { subscription } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    gh.hooks.get(Number(subscription.id))!.active = false;
    expect(await c.get(ctx(), subscription.id)).toEqual({ ...subscription, enabled: false });
    gh.hooks.delete(Number(subscription.id));
    expect(await c.get(ctx(), subscription.id)).toBeNull();
  });

  it('update: a new URL keeps the secret; events and active change; a deleted hook is not-found', async () => {
    const c = connector();
    const { subscription } = await c.create(ctx(), {
      url: 'https://old.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    const hook = gh.hooks.get(Number(subscription.id))!;
    hook.active = false;
    const after = await c.update(ctx(), subscription.id, {
      url: 'https://new.example/hooks/code',
      events: ['issues.opened'],
      enabled: true,
    });
    expect(after).toEqual({
      id: subscription.id,
      url: 'https://new.example/hooks/code',
      events: ['issues'],
      enabled: true,
    });
    expect(hook.config.secret).toBe(SECRET);
    const urlOnly = await c.update(ctx(), subscription.id, { url: 'https://third.example/hooks/code' });
    expect(urlOnly.url).toBe('https://third.example/hooks/code');
    expect(hook.config.secret).toBe(SECRET);
    expect(gh.requests.filter((r) => r.method === 'PATCH').every((r) => !(r.body as { config?: unknown }).config)).toBe(
      true,
    );
    gh.hooks.delete(hook.id);
    expect((await failure(c.update(ctx(), subscription.id, { enabled: true }))).kind).toBe('not-found');
  });

  it('delete removes the hook, and deleting one already gone succeeds', async () => {
    const c = connector();
    const { subscription } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    await c.delete(ctx(), subscription.id);
    expect(gh.hooks.size).toBe(0);
    await expect(c.delete(ctx(), subscription.id)).resolves.toBeUndefined();
  });
});

describe('GitHub connector: errors the owner can act on', () => {
  const req = { url: 'https://a.example/hooks/code', events: ['push'], secret: SECRET };

  it('a bad token: the auth sentence, without the token', async () => {
    const err = await failure(connector().create(ctx({ credential: 'github_pat_wrong_token_123456' }), req));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^GitHub refused the token: /);
    expect(err.message).toContain('"Webhooks: read and write" on octo/shop');
    expect(err.message).not.toContain('github_pat_wrong_token_123456');
  });

  it('a token without the Webhooks permission, or without the repository: forbidden, naming what to grant', async () => {
    gh.tokens.set(TOKEN, { repos: ['octo/shop'], orgs: [], webhooks: false });
    const noPermission = await failure(connector().create(ctx(), req));
    expect(noPermission.kind).toBe('forbidden');
    expect(noPermission.message).toContain(
      'the token needs the repository permission "Webhooks: read and write" on octo/shop',
    );
    const noRepo = await failure(connector().create(ctx({ account: 'octo/other' }), req));
    expect(noRepo.kind).toBe('forbidden');
    expect(noRepo.message).toContain('octo/other');
    expect(noRepo.message).toContain('Webhooks: read and write');
    const noOrg = await failure(connector().create(ctx({ account: 'org:elsewhere' }), req));
    expect(noOrg.message).toContain('organisation permission "Webhooks: read and write" on elsewhere');
  });

  it('422 (the hook already exists for this URL): the hook is adopted, not duplicated (connect-github-adopt.test.ts)', async () => {
    const first = await connector().create(ctx(), req);
    const again = await connector().create(ctx(), req);
    expect(again.subscription.id).toBe(first.subscription.id);
    expect(gh.hooks.size).toBe(1);
  });

  it('an account that is neither owner/repo nor org:name: invalid, saying the form', async () => {
    const err = await failure(connector().create(ctx({ account: 'just-a-name' }), req));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('owner/repo');
    expect(gh.requests).toHaveLength(0);
  });

  it('the primary rate limit waits until X-RateLimit-Reset; a secondary one for Retry-After', async () => {
    now = Math.floor(now / 1000) * 1000;
    gh.rateLimitNext({ primaryResetAt: now + 17 * 60_000 });
    const primary = await failure(connector().get(ctx(), '1000'));
    expect(primary.kind).toBe('rate-limited');
    expect(primary.retryAfterMs).toBe(17 * 60_000);
    gh.rateLimitNext({ retryAfterSeconds: 45 });
    const secondary = await failure(connector().create(ctx(), req));
    expect(secondary.kind).toBe('rate-limited');
    expect(secondary.retryAfterMs).toBe(45_000);
  });

  it('a server that accepts and never answers: unreachable once the timeout passes', async () => {
    gh.hangNext();
    const err = await failure(createGithubConnector({ timeoutMs: 500 }).get(ctx(), '1000'));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toBe(
      `GitHub did not answer within 1 second (${new URL(gh.baseUrl).host}); Hookdock tries again at its next check.`,
    );
  });

  it('no answer at all: unreachable, naming the host', async () => {
    const closed = await startFakeGithub();
    const base = closed.baseUrl;
    await closed.close();
    const err = await failure(connector().get(ctx({ apiBase: base }), '1000'));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain(new URL(base).host);
  });
});

describe('GitHub connector: recovery asks GitHub to redeliver', () => {
  it('only failed deliveries in the span without a successful redelivery, once per GUID, across pages', async () => {
    const c = connector();
    const { subscription: sub } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    const hookId = Number(sub.id);
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const span = { from: now - 10 * HOUR, to: now - 2 * HOUR };
    const add = (guid: string, msAgo: number, status_code: number, redelivery = false) =>
      gh.addDelivery({ hookId, guid, delivered_at: at(msAgo), status_code, event: 'push', redelivery });

    add('before-span', 12 * HOUR, 502); // failed, but before the gap
    const failed = add('failed', 9 * HOUR, 502);
    add('saved-later', 8 * HOUR, 0);
    add('twice', 7 * HOUR, 504);
    const twiceLatest = add('twice', 6 * HOUR, 0, true);
    const noConnection = add('no-connection', 5 * HOUR, 0);
    add('ok', 4 * HOUR, 200);
    for (let i = 0; i < 150; i++) add(`filler-${i}`, 3 * HOUR - i * 1000, 200); // pushes the failures onto page 2
    add('saved-later', 1 * HOUR, 200, true); // someone redelivered it by hand after the gap: fine
    add('after-span', 1 * HOUR, 500);

    const result = await c.recover!(ctx(), sub, span);
    expect(result).toEqual({ deliveries: [], redelivered: 3, notes: [] });
    expect(gh.redeliveryRequests).toEqual([failed.id, twiceLatest.id, noConnection.id]);
    const pages = gh.requests.filter((r) => r.path.includes('/deliveries?'));
    expect(pages.length).toBe(2);
    expect(pages[0]!.path).toContain('per_page=100');
    expect(pages[1]!.path).toMatch(/cursor=/);
  });

  it('an organisation hook: its deliveries and redeliveries go through /orgs/{org}/hooks', async () => {
    const c = connector();
    const org = ctx({ account: 'org:octo-co' });
    const { subscription: sub } = await c.create(org, {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    const d = gh.addDelivery({
      hookId: Number(sub.id),
      guid: 'o1',
      delivered_at: new Date(now - HOUR).toISOString(),
      status_code: 500,
      event: 'push',
    });
    expect((await c.recover!(org, sub, { from: now - 2 * HOUR, to: now })).redelivered).toBe(1);
    expect(gh.redeliveryRequests).toEqual([d.id]);
    expect(gh.requests.at(-1)!.path).toBe(`/orgs/octo-co/hooks/${sub.id}/deliveries/${d.id}/attempts`);
  });

  it('a second recovery of the same span asks nothing again once the redeliveries got through', async () => {
    const c = connector();
    const { subscription: sub } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    gh.addDelivery({
      hookId: Number(sub.id),
      guid: 'g1',
      delivered_at: new Date(now - HOUR).toISOString(),
      status_code: 503,
      event: 'push',
    });
    const span = { from: now - 2 * HOUR, to: now };
    expect((await c.recover!(ctx(), sub, span)).redelivered).toBe(1);
    expect((await c.recover!(ctx(), sub, span)).redelivered).toBe(0);
    expect(gh.redeliveryRequests).toHaveLength(1);
  });

  it('says what is older than the 3 days GitHub keeps, and asks only for what is within them', async () => {
    const c = connector();
    const { subscription: sub } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    gh.addDelivery({
      hookId: Number(sub.id),
      guid: 'old',
      delivered_at: new Date(now - 80 * HOUR).toISOString(),
      status_code: 502,
      event: 'push',
    });
    const recent = gh.addDelivery({
      hookId: Number(sub.id),
      guid: 'recent',
      delivered_at: new Date(now - 30 * HOUR).toISOString(),
      status_code: 502,
      event: 'push',
    });
    const result = await c.recover!(ctx(), sub, { from: now - 5 * 24 * HOUR, to: now });
    expect(result.redelivered).toBe(1);
    expect(gh.redeliveryRequests).toEqual([recent.id]);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(/^GitHub keeps webhook deliveries for 3 days only/);
  });

  it('a deleted hook: nothing to redeliver, and a note saying why', async () => {
    const c = connector();
    const { subscription: sub } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    gh.hooks.delete(Number(sub.id));
    const result = await c.recover!(ctx(), sub, { from: now - HOUR, to: now });
    expect(result.redelivered).toBe(0);
    expect(result.notes).toEqual([expect.stringContaining('was deleted')]);
  });

  it('a rate limit while listing: ConnectError rate-limited (asking again later is safe)', async () => {
    const c = connector();
    const { subscription: sub } = await c.create(ctx(), {
      url: 'https://a.example/hooks/code',
      events: ['push'],
      secret: SECRET,
    });
    gh.rateLimitNext({ retryAfterSeconds: 60 });
    const err = await failure(c.recover!(ctx(), sub, { from: now - HOUR, to: now }));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(60_000);
  });
});
