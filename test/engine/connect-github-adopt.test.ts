// Hookdock killed (kill -9) after GitHub created the hook and before it saved the hook's id: on
// restart it creates again, GitHub answers "Hook already exists" for that URL, and the source
// must not fail at every check, nor pile up hooks: the hook is adopted, with the new secret.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGithubConnector } from '../../electron/engine/connect/github';
import type { ConnectorContext } from '../../electron/engine/connect/types';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github';

const TOKEN = 'github_pat_adopt_0123456789abcdef';
const URL_ = 'https://hooks.example/hooks/gh';
let gh: FakeGithub;

beforeEach(async () => {
  gh = await startFakeGithub();
  gh.tokens.set(TOKEN, { repos: ['octo/shop'], orgs: [], webhooks: true });
});
afterEach(async () => {
  await gh.close();
});

describe('GitHub connector: a hook left by a run that stopped', () => {
  it('is adopted with the new secret and events instead of failing "already exists"', async () => {
    const ctx: ConnectorContext = { apiBase: gh.baseUrl, credential: TOKEN, account: 'octo/shop', fetch };
    const connector = createGithubConnector();
    const first = await connector.create(ctx, { url: URL_, events: ['push'], secret: 'secret-of-the-lost-run' });
    // The run died here: Hookdock never saved first.subscription.id.
    const again = await connector.create(ctx, { url: URL_, events: ['issues'], secret: 'secret-now-kept' });
    expect(again.subscription.id).toBe(first.subscription.id);
    expect(again.secret).toBe('secret-now-kept');
    expect(gh.hooks.size).toBe(1);
    const hook = [...gh.hooks.values()][0]!;
    expect(hook.config.secret).toBe('secret-now-kept');
    expect(hook.events).toEqual(['issues']);
  });

  it('another URL still gets its own hook', async () => {
    const ctx: ConnectorContext = { apiBase: gh.baseUrl, credential: TOKEN, account: 'octo/shop', fetch };
    const connector = createGithubConnector();
    await connector.create(ctx, { url: URL_, events: ['push'], secret: 'a' });
    await connector.create(ctx, { url: `${URL_}2`, events: ['push'], secret: 'b' });
    expect(gh.hooks.size).toBe(2);
  });
});
