// Stripe Connect: webhook endpoints and the events list, through the official
// `stripe` package (docs.stripe.com/api/webhook_endpoints, /api/events).
//
// - create: POST /v1/webhook_endpoints {url, enabled_events[]} answers the endpoint with
//   its `secret` (whsec_…), shown only then: Hookdock keeps it as the source's secret.
// - get: GET /v1/webhook_endpoints/:id; 404 `resource_missing` = deleted at Stripe (null).
// - update: POST /v1/webhook_endpoints/:id {url, enabled_events[], disabled}.
// - recover: GET /v1/events?created[gte]=&created[lt]= (newest first, `has_more` +
//   `starting_after` paging, at most 30 days back), kept when the type is one subscribed to.
//   Each event's JSON is what the webhook would have carried; its `id` is the duplicate
//   key, as for the webhook, so a late webhook after recovery is a duplicate.
//
// The least-privilege key: a restricted key (rk_…) with "Webhook Endpoints: write" and
// "Events: read" (docs.stripe.com/keys#limit-access).
import type Stripe from 'stripe';
import { globMatch } from '../automations/match';
import {
  ConnectError,
  type ConnectorContext,
  type ProviderConnector,
  type RecoveryResult,
  type Subscription,
} from './types';

/** Enough pages for a long gap, not an unbounded loop on a misbehaving server (100 events each). */
const MAX_PAGES = 200;
const KEY_HELP =
  'create a restricted key in the Stripe Dashboard (Developers > API keys) with "Webhook Endpoints: write" and "Events: read", and paste it in Hookdock';

/**
 * The SDK, loaded on first use: it is some 270 files, and a process with few file descriptors
 * (macOS gives 256) should not open them all at start for a source that may never connect.
 */
let sdk: typeof Stripe | undefined;

async function client(ctx: ConnectorContext): Promise<Stripe> {
  sdk ??= (await import('stripe')).default;
  const StripeSdk = sdk;
  const base = new URL(ctx.apiBase);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new StripeSdk(ctx.credential, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    // Redirects are not followed (as connect/http.ts): the key goes only to the API base.
    httpClient: StripeSdk.createFetchHttpClient(((input: RequestInfo | URL, init?: RequestInit) =>
      ctx.fetch(input, { ...init, redirect: 'manual' })) as typeof fetch),
    // Hookdock's manager decides on retries (Retry-After, backoff): the SDK does not retry by itself.
    maxNetworkRetries: 0,
    telemetry: false,
    timeout: 30_000,
  });
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The SDK's error as a ConnectError whose message the owner can act on. Stripe's own
 * message is never passed on as it is: it may quote part of the key ("Invalid API Key provided: rk_test_****abcd").
 */
function asConnectError(err: unknown, doing: string): ConnectError {
  if (!sdk || !(err instanceof sdk.errors.StripeError)) {
    return new ConnectError('provider', `Stripe could not ${doing}: something unexpected happened inside Hookdock.`);
  }
  const status = err.statusCode ?? 0;
  if (err instanceof sdk.errors.StripeConnectionError || status === 0) {
    return new ConnectError(
      'unreachable',
      `Stripe could not be reached to ${doing}: check this computer's internet connection; Hookdock will try again.`,
    );
  }
  if (status === 401) return new ConnectError('auth', `Stripe refused the key: ${KEY_HELP}.`);
  if (status === 403) {
    return new ConnectError('forbidden', `Stripe says the key may not ${doing}: ${KEY_HELP}.`);
  }
  if (status === 429) {
    const wait = retryAfterMs(headerOf(err, 'retry-after'));
    return new ConnectError('rate-limited', `Stripe asked Hookdock to slow down while trying to ${doing}.`, wait);
  }
  if (status === 404) return new ConnectError('not-found', `Stripe has no such webhook endpoint (${doing}).`);
  if (status >= 400 && status < 500) {
    return new ConnectError(
      'invalid',
      `Stripe did not accept the request to ${doing}: check the event types (each must be one Stripe knows, such as charge.succeeded).`,
    );
  }
  return new ConnectError(
    'provider',
    `Stripe had a problem (HTTP ${status}) trying to ${doing}; Hookdock will try again.`,
  );
}

function headerOf(err: InstanceType<typeof Stripe.errors.StripeError>, name: string): string | undefined {
  const headers = err.headers as Record<string, string | undefined> | undefined;
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asConnectError(err, doing);
  }
}

function toSubscription(e: Stripe.WebhookEndpoint): Subscription {
  return { id: e.id, url: e.url, events: [...e.enabled_events], enabled: e.status === 'enabled' };
}

export const stripeConnector: ProviderConnector = {
  provider: 'stripe',
  defaultApiBase: 'https://api.stripe.com',

  async create(ctx, req) {
    const stripe = await client(ctx);
    const endpoint = await call('create the webhook endpoint', () =>
      stripe.webhookEndpoints.create({
        url: req.url,
        enabled_events: req.events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
        description: 'Hookdock',
        // The API version the events list answers in (the SDK's): a recovered event and a
        // webhook for the same event then have the same shape for the owner's automations.
        api_version: sdk!.API_VERSION as Stripe.WebhookEndpointCreateParams.ApiVersion,
      }),
    );
    // An endpoint of Hookdock's at this very URL is left by a run that stopped (a crash, kill -9)
    // before it saved the id: its secret was shown once and is lost, so it can only deliver events
    // that fail their signature check. Deleted once the new one exists, so endpoints do not pile
    // up; best effort: the new endpoint is what counts.
    const listed = await stripe.webhookEndpoints.list({ limit: 100 }).catch(() => null);
    for (const stale of listed?.data ?? []) {
      if (stale.id !== endpoint.id && stale.url === req.url && stale.description === 'Hookdock') {
        await stripe.webhookEndpoints.del(stale.id).catch(() => undefined);
      }
    }
    return { subscription: toSubscription(endpoint), secret: endpoint.secret ?? null };
  },

  async get(ctx, id) {
    try {
      return toSubscription(await (await client(ctx)).webhookEndpoints.retrieve(id));
    } catch (err) {
      const e = asConnectError(err, 'check the webhook endpoint');
      if (e.kind === 'not-found') return null;
      throw e;
    }
  },

  async update(ctx, id, change) {
    const params: Stripe.WebhookEndpointUpdateParams = {};
    if (change.url !== undefined) params.url = change.url;
    if (change.events !== undefined) {
      params.enabled_events = change.events as Stripe.WebhookEndpointUpdateParams.EnabledEvent[];
    }
    if (change.enabled !== undefined) params.disabled = !change.enabled;
    const endpoint = await call('update the webhook endpoint', async () =>
      (await client(ctx)).webhookEndpoints.update(id, params),
    );
    return toSubscription(endpoint);
  },

  async delete(ctx, id) {
    try {
      await (await client(ctx)).webhookEndpoints.del(id);
    } catch (err) {
      const e = asConnectError(err, 'delete the webhook endpoint');
      if (e.kind !== 'not-found') throw e; // already gone is what was wanted
    }
  },

  async recover(ctx, sub, span): Promise<RecoveryResult> {
    const stripe = await client(ctx);
    const created = { gte: Math.floor(span.from / 1000), lt: Math.ceil(span.to / 1000) };
    const deliveries: RecoveryResult['deliveries'] = [];
    const notes: string[] = [];
    let startingAfter: string | undefined;
    for (let page = 0; ; page++) {
      if (page === MAX_PAGES) {
        notes.push(`Stripe listed more than ${MAX_PAGES * 100} events for the gap; the oldest were not fetched.`);
        break;
      }
      const list = await call('list the events of the gap', () =>
        stripe.events.list({ created, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
      );
      for (const event of list.data) {
        if (!sub.events.some((pattern) => globMatch(pattern, event.type))) continue;
        deliveries.push({
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(event),
        });
      }
      if (!list.has_more || list.data.length === 0) break;
      startingAfter = list.data[list.data.length - 1]!.id;
    }
    // Stripe lists newest first; stored oldest first, so automations run in the order things happened.
    deliveries.reverse();
    if (span.to - span.from > 30 * 24 * 3600_000) {
      notes.push('Stripe keeps events for 30 days: anything older in this gap could not be recovered.');
    }
    return { deliveries, redelivered: 0, notes };
  },
};
