// Square's API as the Square connector uses it: production or sandbox, the
// Square-Version header, and Square's `{errors: [{category, code, detail}]}`
// answers turned into sentences. Source: developer.squareup.com "Handling errors",
// "Square API versioning", "Webhook Subscriptions API", "Events API".
import { parseRetryAfter } from '../outbox/http';
import { DEFAULT_CALL_ENV, callProvider, joinUrl, jsonOf, redact, type ApiAnswer, type CallEnv } from './provider-http';
import { ConnectError, type ConnectorContext } from './types';

export const SQUARE_API_BASE = 'https://connect.squareup.com';
export const SQUARE_SANDBOX_API_BASE = 'https://connect.squareupsandbox.com';
/** The Square API version Hookdock calls and subscribes with (the `Square-Version` header, `api_version`). */
export const SQUARE_VERSION = '2025-01-23';
/** Square names no wait with RATE_LIMITED; it asks for backoff. One minute before the manager asks again. */
const RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Which Square environment ConnectConfig.account names: `sandbox` for a sandbox application's token
 * (its own API host, connect.squareupsandbox.com), empty or `production` otherwise. Throws
 * ConnectError `invalid` for anything else.
 */
export function squareEnvironment(account: string | undefined): 'production' | 'sandbox' {
  const a = (account ?? '').trim().toLowerCase();
  if (a === '' || a === 'production') return 'production';
  if (a === 'sandbox') return 'sandbox';
  throw new ConnectError(
    'invalid',
    `For Square, leave the account empty (your live account) or write "sandbox" (a sandbox application's access token); "${account}" is neither.`,
  );
}

/**
 * The base URL to call: ctx.apiBase, except that a sandbox account turns Square's production base
 * into the sandbox one (an override such as HOOKDOCK_SQUARE_API_BASE is used as it is).
 */
export function squareApiBase(ctx: ConnectorContext): string {
  const env = squareEnvironment(ctx.account);
  return env === 'sandbox' && ctx.apiBase.replace(/\/+$/, '') === SQUARE_API_BASE
    ? SQUARE_SANDBOX_API_BASE
    : ctx.apiBase;
}

/**
 * Calls Square (Bearer token, Square-Version) and returns the answer when it is 2xx; otherwise
 * throws the ConnectError for it (squareError). `events` are the event types the call is about,
 * so a missing permission can be named.
 */
export async function squareCall(
  ctx: ConnectorContext,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  events: string[] = [],
  env: CallEnv = DEFAULT_CALL_ENV,
): Promise<ApiAnswer> {
  const answer = await callProvider(
    ctx,
    'Square',
    {
      method,
      url: joinUrl(squareApiBase(ctx), path),
      headers: {
        authorization: `Bearer ${ctx.credential}`,
        'square-version': SQUARE_VERSION,
        accept: 'application/json',
      },
      body,
    },
    env.timeoutMs,
  );
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw squareError(answer, ctx, events, env.now());
}

interface SquareErrorItem {
  category?: string;
  code?: string;
  detail?: string;
}

const AUTH_CODES = new Set(['UNAUTHORIZED', 'ACCESS_TOKEN_EXPIRED', 'ACCESS_TOKEN_REVOKED', 'CLIENT_DISABLED']);

/**
 * Square's answer as a ConnectError (developer.squareup.com "Handling errors"): UNAUTHORIZED and the
 * expired/revoked token codes (401) `auth`; FORBIDDEN / INSUFFICIENT_SCOPES (403) `forbidden`, naming
 * the permission the event types need; RATE_LIMITED (429) `rate-limited` (Retry-After when sent, else a
 * minute); NOT_FOUND (404) `not-found`; other 4xx `invalid` with Square's detail; 5xx `provider`.
 */
export function squareError(answer: ApiAnswer, ctx: ConnectorContext, events: string[], now: number): ConnectError {
  const items = ((jsonOf(answer.text) as { errors?: unknown } | undefined)?.errors ?? []) as SquareErrorItem[];
  const first: SquareErrorItem = Array.isArray(items) && items[0] ? items[0] : {};
  const code = first.code ?? '';
  const detail = redact((first.detail ?? '').replace(/\s+/g, ' ').trim(), ctx.credential).slice(0, 300);
  const said = detail ? ` (Square said: "${detail}")` : '';
  const env = squareEnvironment(ctx.account);
  if (answer.status === 401 || AUTH_CODES.has(code)) {
    return new ConnectError(
      'auth',
      `Square refused the access token: it is wrong, expired or revoked${env === 'production' ? ', or it is a sandbox token (then write "sandbox" as the account)' : ''}. Copy the personal access token from your application's Credentials page in the Square Developer Console and paste it with the source's "Change key or events".`,
    );
  }
  if (answer.status === 429 || code === 'RATE_LIMITED') {
    const wait = parseRetryAfter(answer.headers.get('retry-after'), now) ?? RATE_LIMIT_WAIT_MS;
    return new ConnectError(
      'rate-limited',
      `Square's API rate limit was reached; Hookdock waits and tries again in ${Math.max(1, Math.round(wait / 1000))} seconds.`,
      Math.max(1000, wait),
    );
  }
  if (answer.status === 403 || code === 'FORBIDDEN' || code === 'INSUFFICIENT_SCOPES') {
    const scopes = scopesFor(events);
    const need =
      scopes.length > 0 ? `the permission ${scopes.join(', ')} (for ${events.join(', ')})` : 'a permission this needs';
    return new ConnectError(
      'forbidden',
      `Square refused: the access token lacks ${need}${said}. Use your application's personal access token from the Square Developer Console (Credentials); OAuth access tokens cannot manage webhook subscriptions or search events.`,
    );
  }
  if (answer.status === 404 || code === 'NOT_FOUND') {
    return new ConnectError(
      'not-found',
      `Square has no such webhook subscription any more${said}; Hookdock creates it again.`,
    );
  }
  if (answer.status >= 400 && answer.status < 500) {
    return new ConnectError(
      'invalid',
      `Square did not accept the request${detail ? `: ${detail}` : ` (${code || answer.status})`}. Check the event types and the webhook address with the source's "Change key or events".`,
    );
  }
  return new ConnectError(
    'provider',
    `Square answered ${answer.status}${said}; Hookdock tries again at its next check.`,
  );
}

// The read permission each event family needs (developer.squareup.com "Webhook events reference",
// "OAuth permissions reference"); a personal access token holds them all.
const SCOPES: Record<string, string> = {
  payment: 'PAYMENTS_READ',
  refund: 'PAYMENTS_READ',
  order: 'ORDERS_READ',
  customer: 'CUSTOMERS_READ',
  invoice: 'INVOICES_READ',
  inventory: 'INVENTORY_READ',
  catalog: 'ITEMS_READ',
  dispute: 'DISPUTES_READ',
  gift_card: 'GIFTCARDS_READ',
  loyalty: 'LOYALTY_READ',
  booking: 'APPOINTMENTS_READ',
  subscription: 'SUBSCRIPTIONS_READ',
  team_member: 'EMPLOYEES_READ',
  labor: 'TIMECARDS_READ',
  payout: 'PAYOUTS_READ',
  bank_account: 'BANK_ACCOUNTS_READ',
  location: 'MERCHANT_PROFILE_READ',
};

/** The permissions `events` need, each once (`payment.created` → PAYMENTS_READ); unknown families are left out. */
export function scopesFor(events: string[]): string[] {
  const found = events.map((e) => SCOPES[e.split('.')[0]!]).filter((s): s is string => !!s);
  return [...new Set(found)];
}
