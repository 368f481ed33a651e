// After a gap, GitHub is asked to redeliver what failed. GitHub never retries a
// failed delivery itself, but it keeps each hook's deliveries for 3 days and
// redelivers one on request (docs.github.com "Handling failed webhook
// deliveries", "Redelivering webhooks"; REST "List deliveries for a repository
// webhook", "Redeliver a delivery for a repository webhook", and the organisation
// twins). A redelivery keeps X-GitHub-Delivery and X-GitHub-Hook-ID, so the
// receiver's duplicate key (GUID + hook id) makes it a duplicate if the first
// delivery did arrive after all. GitHub sends it signed: nothing is rebuilt here.
import { githubCall, nextLink, type GithubTarget } from './github-api';
import { jsonOf, type CallEnv } from './provider-http';
import { ConnectError, type ConnectorContext, type RecoveryResult, type Subscription } from './types';

/** How long GitHub keeps a hook's deliveries (github.com; GitHub Enterprise Server keeps 7 days). */
export const GITHUB_DELIVERY_RETENTION_MS = 3 * 24 * 3600 * 1000;
/** A guard against a paging loop: 100 pages of 100 deliveries. */
const MAX_PAGES = 100;

/** One item of "List deliveries for a repository webhook". */
export interface GithubDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action: string | null;
}

/** A delivery failed when GitHub got no 2xx: any other status, or 0 (no connection, timeout). */
export function deliveryFailed(d: Pick<GithubDelivery, 'status_code'>): boolean {
  return !(d.status_code >= 200 && d.status_code < 300);
}

/**
 * The deliveries to ask again for: one per GUID that failed in [from, to) and that no delivery of the
 * same GUID (a redelivery, at any time listed) ever got through. Pure, for tests.
 */
export function toRedeliver(deliveries: GithubDelivery[], from: number, to: number): GithubDelivery[] {
  const succeeded = new Set(deliveries.filter((d) => !deliveryFailed(d)).map((d) => d.guid));
  const picked = new Map<string, GithubDelivery>();
  for (const d of deliveries) {
    const at = Date.parse(d.delivered_at);
    if (!(at >= from && at < to) || !deliveryFailed(d) || succeeded.has(d.guid)) continue;
    const seen = picked.get(d.guid);
    if (!seen || Date.parse(seen.delivered_at) < at) picked.set(d.guid, d);
  }
  return [...picked.values()].sort((a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at));
}

/**
 * Lists the hook's deliveries back to `from` (newest first, 100 a page, following Link `next`) and
 * asks GitHub to redeliver each failed one (POST …/deliveries/{id}/attempts, 202). Returns no
 * deliveries (GitHub sends them itself), `redelivered` = requests GitHub accepted, and notes for what
 * could not be asked (older than GitHub keeps, a delivery GitHub refused to resend). Throws
 * ConnectError for a bad token, a missing permission or a rate limit (asking again later is safe:
 * the duplicate key absorbs a second redelivery).
 */
export async function recoverGithub(
  ctx: ConnectorContext,
  target: GithubTarget,
  sub: Subscription,
  span: { from: number; to: number },
  env: CallEnv,
): Promise<RecoveryResult> {
  const notes: string[] = [];
  const oldest = env.now() - GITHUB_DELIVERY_RETENTION_MS;
  const from = Math.max(span.from, oldest);
  if (span.from < oldest) {
    notes.push(
      `GitHub keeps webhook deliveries for 3 days only: what it tried to send before ${new Date(oldest).toISOString()} can no longer be redelivered.`,
    );
  }
  if (from >= span.to) return { deliveries: [], redelivered: 0, notes };

  if (!/^\d+$/.test(sub.id)) {
    throw new ConnectError('invalid', `"${sub.id}" is not a GitHub webhook id; Hookdock creates the webhook again.`);
  }
  const hook = `${target.hooksPath}/${sub.id}`;
  const listed: GithubDelivery[] = [];
  let url: string | null = `${hook}/deliveries?per_page=100`;
  for (let page = 0; url; page++) {
    if (page === MAX_PAGES) {
      notes.push(
        `GitHub listed more than ${MAX_PAGES * 100} deliveries since the gap began; only the newest were checked.`,
      );
      break;
    }
    let answer;
    try {
      answer = await githubCall(ctx, target, 'hook', 'GET', url, undefined, env);
    } catch (err) {
      if (!(err instanceof ConnectError) || err.kind !== 'not-found') throw err;
      // The hook is gone, and GitHub deleted its deliveries with it (the manager re-creates the hook).
      notes.push(
        `The GitHub webhook on ${target.name} was deleted, and its failed deliveries with it: they cannot be redelivered.`,
      );
      return { deliveries: [], redelivered: 0, notes };
    }
    const items = jsonOf(answer.text);
    if (!Array.isArray(items)) {
      throw new ConnectError(
        'provider',
        'GitHub answered the list of deliveries with something that is not a list; Hookdock tries again at its next check.',
      );
    }
    const deliveries = items as GithubDelivery[];
    listed.push(...deliveries);
    // Newest first: once a page reaches back past `from`, older pages hold nothing in the span.
    if (deliveries.length === 0 || deliveries.some((d) => Date.parse(d.delivered_at) < from)) break;
    url = nextLink(answer.headers.get('link'));
    if (url && !sameOrigin(url, ctx.apiBase)) {
      // The token goes with every request: never to a host other than the API's.
      notes.push(
        `GitHub's next page of deliveries pointed at another address (${originOf(url)}); Hookdock did not follow it.`,
      );
      break;
    }
  }

  let redelivered = 0;
  const refused: string[] = [];
  for (const d of toRedeliver(listed, from, span.to)) {
    try {
      await githubCall(ctx, target, 'delivery', 'POST', `${hook}/deliveries/${d.id}/attempts`, undefined, env);
      redelivered++;
    } catch (err) {
      if (err instanceof ConnectError && (err.kind === 'invalid' || err.kind === 'not-found')) {
        refused.push(`${d.event}${d.action ? `.${d.action}` : ''} (${d.guid})`);
        continue;
      }
      throw err;
    }
  }
  if (refused.length > 0) {
    notes.push(
      `GitHub refused to redeliver ${refused.length} failed ${refused.length === 1 ? 'delivery' : 'deliveries'}: ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''}. Look them up under the repository's Settings → Webhooks → Recent Deliveries.`,
    );
  }
  return { deliveries: [], redelivered, notes };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an unreadable address';
  }
}

function sameOrigin(url: string, base: string): boolean {
  return originOf(url) === originOf(base) && originOf(url) !== 'an unreadable address';
}
