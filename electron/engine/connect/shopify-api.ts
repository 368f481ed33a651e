// Shopify's Admin API as Hookdock uses it: GraphQL for webhook subscriptions, REST
// for reading orders back (shopify-recover.ts), both at one pinned version with a
// custom app's Admin API access token in X-Shopify-Access-Token
// (shopify.dev/docs/api/usage/authentication#getting-started-with-custom-app-development).
// Errors, as shopify.dev/docs/api/usage/response-codes and .../rate-limits document them:
// 401 a bad token; 403 (or GraphQL ACCESS_DENIED) a missing scope; 402/423 a frozen or
// locked shop; 429 (REST, with Retry-After) or GraphQL THROTTLED (with the cost
// extensions: the wait is what the query needs beyond what is available, at the restore rate).
import { ConnectError, type ConnectorContext } from './types';
import { retryAfterMs, send, type ApiAnswer } from './http';
import { redact } from './provider-http';

/** The Admin API version Hookdock speaks (its GraphQL schema and its REST Order shape). */
export const SHOPIFY_API_VERSION = '2025-07';

const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The shop's `my-shop.myshopify.com` domain from ConnectConfig.account (a URL is accepted too). */
export function shopDomain(ctx: ConnectorContext): string {
  const shop = (ctx.account ?? '')
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    // The address the Shopify admin shows in the browser names the shop's handle.
    .replace(/^admin\.shopify\.com\/store\/([a-z0-9][a-z0-9-]*)(\/.*)?$/, '$1.myshopify.com')
    .replace(/\/.*$/, '');
  if (!SHOP.test(shop)) {
    throw new ConnectError(
      'invalid',
      "Shopify needs the shop's myshopify.com address (like my-shop.myshopify.com): you find it in the Shopify admin under Settings > Domains.",
    );
  }
  return shop;
}

/** `ctx.apiBase` (HOOKDOCK_SHOPIFY_API_BASE) when set, else `https://<shop>`; no trailing slash. */
export function shopifyBase(ctx: ConnectorContext): string {
  return ctx.apiBase ? ctx.apiBase.replace(/\/+$/, '') : `https://${shopDomain(ctx)}`;
}

function headers(ctx: ConnectorContext): Record<string, string> {
  return { 'X-Shopify-Access-Token': ctx.credential, Accept: 'application/json' };
}

/** The scope a REST-style topic needs (`orders/create` -> read_orders), for the sentence of a 403. */
export function scopeFor(topics: readonly string[]): string {
  const resources = new Set(topics.map((t) => t.split('/')[0]));
  const scopes = new Set<string>(['read_orders']);
  for (const r of resources) {
    if (r === 'products' || r === 'collections') scopes.add('read_products');
    if (r === 'customers') scopes.add('read_customers');
    if (r === 'fulfillments') scopes.add('read_fulfillments');
  }
  return [...scopes].join(', ');
}

/** Maps a non-2xx answer to the ConnectError the owner can act on; `scopes` names what 403 lacks. */
function httpError(answer: ApiAnswer, scopes: string): ConnectError {
  const { status } = answer;
  if (status === 401) {
    return new ConnectError(
      'auth',
      'Shopify refused the access token: copy the Admin API access token (shpat_…) again from your custom app (Settings > Apps and sales channels > Develop apps > API credentials), and check the app is still installed.',
    );
  }
  if (status === 403) {
    return new ConnectError(
      'forbidden',
      `Shopify refused access: give the custom app the ${scopes} access scope (Configuration > Admin API integration), then install the new version.`,
    );
  }
  if (status === 404) {
    return new ConnectError('invalid', "Shopify has no shop at this address: check the shop's myshopify.com domain.");
  }
  if (status === 429) {
    const wait = retryAfterMs(answer.headers) ?? 2000;
    return new ConnectError(
      'rate-limited',
      `Shopify asked Hookdock to slow down: it tries again in ${Math.ceil(wait / 1000)} s.`,
      wait,
    );
  }
  if (status === 402 || status === 423) {
    return new ConnectError(
      'provider',
      'Shopify says this shop is frozen or locked: check its plan and status in the Shopify admin.',
    );
  }
  return new ConnectError('provider', `Shopify answered with an error (HTTP ${status}): Hookdock tries again later.`);
}

interface GraphQLError {
  message?: string;
  extensions?: { code?: string; requiredAccess?: string };
}
interface ThrottleCost {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

/**
 * One GraphQL Admin API call; resolves `data`. Throws ConnectError: HTTP errors as above,
 * THROTTLED -> rate-limited (wait from `extensions.cost`), ACCESS_DENIED -> forbidden
 * naming the scope (`extensions.requiredAccess`, else `scopes`), other errors -> provider.
 */
export async function shopifyGraphql<T>(
  ctx: ConnectorContext,
  query: string,
  variables: Record<string, unknown>,
  scopes = 'read_orders',
): Promise<T> {
  const answer = await send(ctx, 'Shopify', `${shopifyBase(ctx)}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, {
    method: 'POST',
    headers: { ...headers(ctx), 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  if (answer.status < 200 || answer.status > 299) throw httpError(answer, scopes);
  const body = (answer.json ?? {}) as { data?: T; errors?: GraphQLError[]; extensions?: { cost?: ThrottleCost } };
  const errors = Array.isArray(body.errors) ? body.errors : [];
  if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
    const cost = body.extensions?.cost;
    const needed = (cost?.requestedQueryCost ?? 0) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
    const rate = cost?.throttleStatus?.restoreRate ?? 0;
    const wait = rate > 0 ? Math.max(1000, Math.ceil((needed / rate) * 1000)) : 1000;
    throw new ConnectError(
      'rate-limited',
      `Shopify asked Hookdock to slow down: it tries again in ${Math.ceil(wait / 1000)} s.`,
      wait,
    );
  }
  const denied = errors.find((e) => e.extensions?.code === 'ACCESS_DENIED');
  if (denied) {
    const scope = denied.extensions?.requiredAccess?.match(/`?(\w+)`? access scope/)?.[1] ?? scopes;
    throw new ConnectError(
      'forbidden',
      `Shopify refused access: give the custom app the ${scope} access scope (Configuration > Admin API integration), then install the new version.`,
    );
  }
  if (errors.length || body.data === undefined) {
    const said = redact(
      errors
        .map((e) => e.message)
        .filter(Boolean)
        .join('; '),
      ctx.credential,
    ).slice(0, 300);
    throw new ConnectError(
      'provider',
      `Shopify could not do what Hookdock asked${said ? ` (${said})` : ''}: Hookdock tries again later.`,
    );
  }
  return body.data;
}

/** One REST Admin API GET of a full URL (built by the caller, or a Link header's); non-2xx throws as above. */
export async function shopifyRestGet(ctx: ConnectorContext, url: string, scopes = 'read_orders'): Promise<ApiAnswer> {
  const answer = await send(ctx, 'Shopify', url, { method: 'GET', headers: headers(ctx) });
  if (answer.status < 200 || answer.status > 299) throw httpError(answer, scopes);
  return answer;
}
