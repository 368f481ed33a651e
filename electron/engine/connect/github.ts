// The GitHub connector: a repository or organisation webhook that Hookdock creates
// and keeps with the owner's fine-grained personal access token ("Webhooks: read
// and write"), and, after a gap, GitHub asked to redeliver what failed
// (github-recover.ts). Source: docs.github.com/rest/repos/webhooks and
// /rest/orgs/webhooks ("Create", "Get", "Update", "Update a webhook configuration",
// "Delete a repository webhook").
import { GITHUB_API_BASE, githubCall, githubTarget, type GithubTarget } from './github-api';
import { recoverGithub } from './github-recover';
import { DEFAULT_CALL_ENV, jsonOf, type CallEnv } from './provider-http';
import { ConnectError, type ConnectorContext, type ProviderConnector, type Subscription } from './types';

/** A hook as GitHub answers it (the fields Hookdock reads). */
interface GithubHook {
  id: number | string;
  active?: boolean;
  events?: string[];
  config?: { url?: string };
}

/**
 * GitHub hooks subscribe to event names (`pull_request`), while Hookdock's event types add the
 * action (`pull_request.opened`, receiver/providers/github.ts): the owner may pick either, and the
 * hook gets each event name once. `*` (every event) is GitHub's own wildcard.
 */
export function githubEventNames(events: string[]): string[] {
  const names = events.map((e) => e.trim().split('.')[0]!).filter((e) => e.length > 0);
  return [...new Set(names.length > 0 ? names : ['push'])];
}

function toSubscription(hook: GithubHook): Subscription {
  return {
    id: String(hook.id),
    url: hook.config?.url ?? '',
    events: hook.events ?? [],
    enabled: hook.active !== false,
  };
}

function hookOf(text: string): GithubHook {
  const hook = jsonOf(text) as GithubHook | undefined;
  if (!hook || (typeof hook.id !== 'number' && typeof hook.id !== 'string')) {
    throw new ConnectError(
      'provider',
      'GitHub answered with something that is not a webhook; Hookdock tries again at its next check.',
    );
  }
  return hook;
}

function hookPath(target: GithubTarget, id: string): string {
  if (!/^\d+$/.test(id))
    throw new ConnectError('invalid', `"${id}" is not a GitHub webhook id; Hookdock creates the webhook again.`);
  return `${target.hooksPath}/${id}`;
}

export interface GithubConnectorOptions {
  /** The clock, ms since epoch (GitHub's 3-day delivery window and rate-limit resets are read against it). */
  now?: () => number;
  /** How long to wait for each answer, ms (default 30 s). */
  timeoutMs?: number;
}

/** A GitHub connector on the given clock; `githubConnector` is the one on the system clock. */
export function createGithubConnector(options: GithubConnectorOptions = {}): ProviderConnector {
  const env: CallEnv = { now: options.now ?? Date.now, timeoutMs: options.timeoutMs ?? DEFAULT_CALL_ENV.timeoutMs };
  const get = async (ctx: ConnectorContext, id: string): Promise<Subscription | null> => {
    const target = githubTarget(ctx.account);
    try {
      const answer = await githubCall(ctx, target, 'hook', 'GET', hookPath(target, id), undefined, env);
      return toSubscription(hookOf(answer.text));
    } catch (err) {
      if (err instanceof ConnectError && err.kind === 'not-found') return null;
      throw err;
    }
  };
  return {
    provider: 'github',
    defaultApiBase: GITHUB_API_BASE,

    /**
     * POST {hooks} with the secret Hookdock generated; returns that secret (GitHub never shows it
     * back). GitHub sends a signed `ping` to the URL as soon as the hook exists, so the caller keeps
     * `req.secret` on the source before calling this, or the ping is rejected.
     */
    async create(ctx, req) {
      const target = githubTarget(ctx.account);
      const events = githubEventNames(req.events);
      const config = { url: req.url, content_type: 'json', secret: req.secret, insecure_ssl: '0' };
      try {
        const answer = await githubCall(
          ctx,
          target,
          'hooks',
          'POST',
          target.hooksPath,
          { name: 'web', active: true, events, config },
          env,
        );
        return { subscription: toSubscription(hookOf(answer.text)), secret: req.secret };
      } catch (err) {
        // GitHub allows one hook per URL. One already there is Hookdock's own from a run that
        // stopped (a crash, kill -9) before it saved the hook's id: adopt it with the new secret,
        // or the source would fail "Hook already exists" at every check.
        if (!(err instanceof ConnectError) || err.kind !== 'invalid' || !/already exists/i.test(err.message)) throw err;
        const list = jsonOf(
          (await githubCall(ctx, target, 'hooks', 'GET', `${target.hooksPath}?per_page=100`, undefined, env)).text,
        );
        const same = Array.isArray(list) ? (list as GithubHook[]).find((h) => h?.config?.url === req.url) : undefined;
        if (!same) throw err;
        const path = hookPath(target, String(same.id));
        await githubCall(ctx, target, 'hook', 'PATCH', `${path}/config`, config, env);
        const answer = await githubCall(ctx, target, 'hook', 'PATCH', path, { events, active: true }, env);
        return { subscription: toSubscription(hookOf(answer.text)), secret: req.secret };
      }
    },

    get,

    /**
     * The URL goes through "Update a webhook configuration" (PATCH {hook}/config), never through
     * PATCH {hook} with a `config`: that one removes the secret unless it is sent again, and
     * Hookdock does not hold it here. Events and `active` go through PATCH {hook} without `config`.
     */
    async update(ctx, id, change) {
      const target = githubTarget(ctx.account);
      const path = hookPath(target, id);
      if (change.url !== undefined) {
        await githubCall(
          ctx,
          target,
          'hook',
          'PATCH',
          `${path}/config`,
          { url: change.url, content_type: 'json', insecure_ssl: '0' },
          env,
        );
      }
      if (change.events !== undefined || change.enabled !== undefined) {
        const body: Record<string, unknown> = {};
        if (change.events !== undefined) body.events = githubEventNames(change.events);
        if (change.enabled !== undefined) body.active = change.enabled;
        const answer = await githubCall(ctx, target, 'hook', 'PATCH', path, body, env);
        return toSubscription(hookOf(answer.text));
      }
      const after = await get(ctx, id);
      if (!after)
        throw new ConnectError(
          'not-found',
          `The GitHub webhook no longer exists on ${target.name}; Hookdock creates it again.`,
        );
      return after;
    },

    /** Deleting a hook that is already gone succeeds (the wanted state is reached). */
    async delete(ctx, id) {
      const target = githubTarget(ctx.account);
      try {
        await githubCall(ctx, target, 'hook', 'DELETE', hookPath(target, id), undefined, env);
      } catch (err) {
        if (err instanceof ConnectError && err.kind === 'not-found') return;
        throw err;
      }
    },

    recover: (ctx, sub, span) => recoverGithub(ctx, githubTarget(ctx.account), sub, span, env),
  };
}

export const githubConnector: ProviderConnector = createGithubConnector();
