// GitHub's REST API as the GitHub connector uses it: which hooks collection the
// account names (a repository's or an organisation's), the headers GitHub asks
// for, paging by Link header, and GitHub's errors turned into sentences.
// Source: docs.github.com/rest ("Repository webhooks", "Organization webhooks",
// "Rate limits for the REST API", "Using pagination in the REST API").
import { parseRetryAfter } from '../outbox/http';
import { DEFAULT_CALL_ENV, callProvider, joinUrl, jsonOf, redact, type ApiAnswer, type CallEnv } from './provider-http';
import { ConnectError, type ConnectorContext } from './types';

export const GITHUB_API_BASE = 'https://api.github.com';
/** The REST API version these calls follow (docs.github.com "API Versions"). */
export const GITHUB_API_VERSION = '2022-11-28';

/** A repository's or an organisation's webhooks: `path` is the collection, `/repos/o/r/hooks`. */
export interface GithubTarget {
  kind: 'repo' | 'org';
  /** `owner/repo` or `org:name`, as the owner wrote it, for sentences. */
  name: string;
  hooksPath: string;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$/;

/**
 * Reads ConnectConfig.account: `owner/repo` (a repository hook) or `org:name` (an organisation
 * hook). Throws ConnectError `invalid` with the form to use when it is neither.
 */
export function githubTarget(account: string | undefined): GithubTarget {
  // Owners paste the address from their browser: github.com/acme/shop, github.com/orgs/acme.
  const a = (account ?? '')
    .trim()
    .replace(/^(https?:\/\/)?(www\.)?github\.com\//i, '')
    .replace(/^orgs\/([^/]+)\/?$/, 'org:$1')
    .replace(/\/+$/, '');
  const org = /^org:(.+)$/.exec(a);
  if (org && NAME.test(org[1]!)) {
    return { kind: 'org', name: a, hooksPath: `/orgs/${encodeURIComponent(org[1]!)}/hooks` };
  }
  const [owner, repo, ...rest] = a.split('/');
  if (owner && repo && rest.length === 0 && NAME.test(owner) && NAME.test(repo.replace(/\.git$/, ''))) {
    const r = repo.replace(/\.git$/, '');
    return {
      kind: 'repo',
      name: `${owner}/${r}`,
      hooksPath: `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(r)}/hooks`,
    };
  }
  throw new ConnectError(
    'invalid',
    `Hookdock needs to know which GitHub repository or organisation to add the webhook to: write it as owner/repo (for example octocat/hello-world) or org:name (for example org:my-company).`,
  );
}

/** The permission a token needs on `target`, in the words GitHub's token settings use. */
export function neededPermission(target: GithubTarget): string {
  return target.kind === 'org'
    ? `the organisation permission "Webhooks: read and write" on ${target.name.slice(4)}`
    : `the repository permission "Webhooks: read and write" on ${target.name}`;
}

/** What a call is for, so a 404 can be read right (a missing hook vs. a repository the token cannot see). */
export type GithubOp = 'hooks' | 'hook' | 'delivery';

/**
 * Calls GitHub and returns the answer when it is 2xx; otherwise throws the ConnectError for it
 * (githubError). `pathOrUrl` is a path on ctx.apiBase or an absolute URL (a Link `next`).
 */
export async function githubCall(
  ctx: ConnectorContext,
  target: GithubTarget,
  op: GithubOp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  pathOrUrl: string,
  body?: unknown,
  env: CallEnv = DEFAULT_CALL_ENV,
): Promise<ApiAnswer> {
  const answer = await callProvider(
    ctx,
    'GitHub',
    {
      method,
      url: /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : joinUrl(ctx.apiBase, pathOrUrl),
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': GITHUB_API_VERSION,
        authorization: `Bearer ${ctx.credential}`,
        'user-agent': 'Hookdock',
      },
      body,
    },
    env.timeoutMs,
  );
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw githubError(answer, ctx, target, op, env.now());
}

/**
 * GitHub's answer as a ConnectError (docs.github.com "Troubleshooting the REST API", "Rate limits"):
 * 401 bad token; 403/429 with `x-ratelimit-remaining: 0` the primary limit (wait until
 * `x-ratelimit-reset`, epoch seconds), with `retry-after` or "secondary rate limit" a secondary limit
 * (at least a minute when GitHub gives no time); other 403 missing permission; 404 on a repository's
 * or organisation's hooks: not found or not visible to the token (GitHub hides what a token cannot
 * see), on one hook or delivery: `not-found`; 422 GitHub's validation message; 5xx `provider`.
 */
export function githubError(
  answer: ApiAnswer,
  ctx: ConnectorContext,
  target: GithubTarget,
  op: GithubOp,
  now: number,
): ConnectError {
  const said = githubMessage(answer.text, ctx.credential);
  const { status, headers } = answer;
  const need = neededPermission(target);
  if (status === 401) {
    return new ConnectError(
      'auth',
      `GitHub refused the token: it is wrong, expired or revoked. Create a fine-grained personal access token with ${need}, and paste it with the source's "Change key or events".`,
    );
  }
  if (status === 403 || status === 429) {
    const wait = rateLimitWait(headers, said, status, now);
    if (wait !== undefined) {
      const until = new Date(now + wait).toISOString().slice(11, 16);
      return new ConnectError(
        'rate-limited',
        `GitHub's API rate limit for this token is used up until ${until} UTC; Hookdock waits and tries again then.`,
        wait,
      );
    }
    return new ConnectError(
      'forbidden',
      `GitHub refused: the token needs ${need}${said ? ` (GitHub said: "${said}")` : ''}. Edit the token on GitHub (Settings → Developer settings → Personal access tokens) and give it that permission.`,
    );
  }
  if (status === 404) {
    if (op === 'hooks') {
      return new ConnectError(
        'forbidden',
        `GitHub found no ${target.kind === 'org' ? 'organisation' : 'repository'} ${target.kind === 'org' ? target.name.slice(4) : target.name} that this token can manage webhooks of: check the name, and that the token has ${need}.`,
      );
    }
    return new ConnectError(
      'not-found',
      op === 'hook'
        ? `The GitHub webhook no longer exists on ${target.name}; Hookdock creates it again.`
        : `GitHub no longer has that delivery (it keeps them for 3 days).`,
    );
  }
  if (status === 422 || status === 400) {
    return new ConnectError(
      'invalid',
      `GitHub did not accept the request${said ? `: ${said}` : ''}. Check the webhook's events and address with the source's "Change key or events".`,
    );
  }
  return new ConnectError(
    'provider',
    `GitHub answered ${status}${said ? ` ("${said}")` : ''}; Hookdock tries again at its next check.`,
  );
}

/** How long to wait, ms, when the answer is a rate limit; undefined when it is not one. */
function rateLimitWait(headers: Headers, said: string, status: number, now: number): number | undefined {
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - now);
    return 60_000;
  }
  const after = parseRetryAfter(headers.get('retry-after'), now);
  if (after !== undefined) return Math.max(1000, after);
  // Secondary limits without a header: "wait at least one minute before retrying".
  if (status === 429 || /secondary rate limit/i.test(said)) return 60_000;
  return undefined;
}

/** GitHub's `message` plus its validation errors' messages, one line, without the token. */
function githubMessage(text: string, credential: string): string {
  const body = jsonOf(text) as { message?: unknown; errors?: unknown } | undefined;
  const parts: string[] = [];
  if (typeof body?.message === 'string') parts.push(body.message);
  if (Array.isArray(body?.errors)) {
    for (const e of body.errors as unknown[]) {
      const m = (e as { message?: unknown } | null)?.message;
      if (typeof m === 'string' && !parts.includes(m)) parts.push(m);
    }
  }
  return redact(parts.join(': ').replace(/\s+/g, ' ').trim(), credential).slice(0, 300);
}

/** The `rel="next"` URL of a Link header (RFC 8288), or null on the last page. */
export function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (m && /\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return m[1]!;
  }
  return null;
}
