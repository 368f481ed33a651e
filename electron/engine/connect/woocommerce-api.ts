// The WooCommerce REST API (wc/v3) as Hookdock uses it: the owner's REST API key,
// `ck_…:cs_…` (consumer key and secret joined by one colon), sent as HTTP Basic auth,
// which WooCommerce accepts over HTTPS only (woocommerce.github.io/woocommerce-rest-api-docs
// "Authentication over HTTPS"). ConnectConfig.account is the site URL (a WordPress in a
// folder keeps its path). Errors come as {code, message, data: {status}}: 401 a bad or
// revoked key (or, with "write permissions", a Read-only key), 403 a key whose user may not
// do it, 404 `rest_no_route` when the REST API is not there; 429 from hosts that limit (Retry-After).
import { retryAfterMs, send, type ApiAnswer } from './http';
import { redact } from './provider-http';
import { ConnectError, type ConnectorContext } from './types';

const CREDENTIAL = /^(ck_[A-Za-z0-9]+):(cs_[A-Za-z0-9]+)$/;

/** The site, no trailing slash: `ctx.apiBase` (HOOKDOCK_WOOCOMMERCE_API_BASE) when set, else the https account URL. */
export function wooSite(ctx: ConnectorContext): string {
  if (ctx.apiBase) return ctx.apiBase.replace(/\/+$/, '');
  let url: URL | null;
  const typed = (ctx.account ?? '').trim();
  try {
    // An address typed without a scheme (`shop.example.com`) is the https one; `http://` stays refused.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(typed) || typed === '' ? typed : `https://${typed}`);
  } catch {
    url = null;
  }
  // `https://shop.example.com@evil.test` is evil.test: a name and password before `@` hide the
  // host the key would go to, so such an address is refused rather than guessed at.
  if (url && (url.username || url.password)) {
    throw new ConnectError(
      'invalid',
      "The WooCommerce site address has a name or password before an @: enter just the shop's address (like https://shop.example.com).",
    );
  }
  if (!url || url.protocol !== 'https:') {
    throw new ConnectError(
      'invalid',
      "WooCommerce needs the shop's site address starting with https:// (like https://shop.example.com): WooCommerce accepts API keys only over HTTPS.",
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** `Basic base64(ck:cs)`, or ConnectError 'invalid' when the credential is not a key and secret (never quoting it). */
function authorization(ctx: ConnectorContext): string {
  const match = CREDENTIAL.exec(ctx.credential.trim());
  if (!match) {
    throw new ConnectError(
      'invalid',
      'The WooCommerce credential must be the consumer key and the consumer secret joined by a colon (ck_…:cs_…): create a key with Read/Write permissions under WooCommerce > Settings > Advanced > REST API.',
    );
  }
  return `Basic ${Buffer.from(`${match[1]}:${match[2]}`).toString('base64')}`;
}

interface WooError {
  code?: string;
  message?: string;
}

function httpError(answer: ApiAnswer, credential: string): ConnectError {
  const { status } = answer;
  const body = (answer.json ?? {}) as WooError;
  if (status === 401 && /write permission/i.test(body.message ?? '')) {
    return new ConnectError(
      'forbidden',
      "The WooCommerce API key is Read-only: Hookdock needs Read/Write to create webhooks. Change the key's permissions under WooCommerce > Settings > Advanced > REST API.",
    );
  }
  if (status === 401) {
    return new ConnectError(
      'auth',
      'WooCommerce refused the API key: copy the consumer key and secret (ck_…:cs_…) again from WooCommerce > Settings > Advanced > REST API, and check the key was not revoked.',
    );
  }
  if (status === 403) {
    return new ConnectError(
      'forbidden',
      "WooCommerce refused: the API key's user may not manage webhooks and orders. Create the key for an administrator or shop manager, with Read/Write permissions.",
    );
  }
  if (status === 404 && body.code === 'rest_no_route') {
    return new ConnectError(
      'invalid',
      "WooCommerce's REST API was not found at this site: check the site address, and that WordPress permalinks are not set to Plain.",
    );
  }
  if (status === 404) return new ConnectError('not-found', 'WooCommerce has no such webhook or order any more.');
  if (status === 429) {
    const wait = retryAfterMs(answer.headers) ?? 5000;
    return new ConnectError(
      'rate-limited',
      `The WooCommerce site asked Hookdock to slow down: it tries again in ${Math.ceil(wait / 1000)} s.`,
      wait,
    );
  }
  if (status === 400) {
    const said = redact(String(body.message ?? ''), credential).slice(0, 200);
    return new ConnectError(
      'invalid',
      `WooCommerce refused the request${said ? ` (${said})` : ''}: check the topics and the URL.`,
    );
  }
  return new ConnectError(
    'provider',
    `The WooCommerce site answered with an error (HTTP ${status}): Hookdock tries again later.`,
  );
}

/**
 * One wc/v3 call: `path` after `/wp-json/wc/v3` (with its query), `body` sent as JSON.
 * Resolves the 2xx answer; throws ConnectError as described above.
 */
export async function wooRequest(
  ctx: ConnectorContext,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { Authorization: authorization(ctx), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await send(ctx, 'the WooCommerce site', `${wooSite(ctx)}/wp-json/wc/v3${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (answer.status < 200 || answer.status > 299) throw httpError(answer, ctx.credential);
  return answer;
}
