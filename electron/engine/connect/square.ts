// The Square connector: a webhook subscription Hookdock creates and keeps with the
// application's personal access token (Webhook Subscriptions API: webhook
// subscriptions belong to the application, so OAuth tokens cannot manage them),
// and, after a gap, the events Square kept fetched back (square-recover.ts).
// Source: developer.squareup.com/reference/square/webhook-subscriptions-api
// (CreateWebhookSubscription, RetrieveWebhookSubscription, UpdateWebhookSubscription,
// DeleteWebhookSubscription) and /events-api (EnableEvents).
import { randomUUID } from 'node:crypto';
import { DEFAULT_CALL_ENV, jsonOf, type CallEnv } from './provider-http';
import { SQUARE_API_BASE, SQUARE_VERSION, squareCall } from './square-api';
import { recoverSquare } from './square-recover';
import { ConnectError, type ConnectorContext, type ProviderConnector, type Subscription } from './types';

/** A WebhookSubscription as Square answers it (the fields Hookdock reads). */
interface SquareSubscription {
  id?: string;
  name?: string;
  enabled?: boolean;
  event_types?: string[];
  notification_url?: string;
  signature_key?: string;
}

function subscriptionOf(text: string): SquareSubscription & { id: string } {
  const sub = (jsonOf(text) as { subscription?: SquareSubscription } | undefined)?.subscription;
  if (!sub || typeof sub.id !== 'string') {
    throw new ConnectError(
      'provider',
      'Square answered with something that is not a webhook subscription; Hookdock tries again at its next check.',
    );
  }
  return sub as SquareSubscription & { id: string };
}

function toSubscription(sub: SquareSubscription & { id: string }): Subscription {
  return { id: sub.id, url: sub.notification_url ?? '', events: sub.event_types ?? [], enabled: sub.enabled !== false };
}

function subscriptionPath(id: string): string {
  return `/v2/webhooks/subscriptions/${encodeURIComponent(id)}`;
}

/** Square only posts to https:// addresses ("The notification URL must … use the HTTPS protocol"). */
function requireHttps(url: string): void {
  if (!/^https:\/\//i.test(url)) {
    throw new ConnectError(
      'invalid',
      `Square sends webhooks only to https:// addresses, and this source's webhook address is ${url}. Turn on the ngrok tunnel in Settings (or start hookdock serve with --public-url https://…), then connect again.`,
    );
  }
}

/**
 * What a Square source must carry once the subscription exists: Square signs the notification URL
 * it has registered followed by the body, so the receiver (receiver/providers/square.ts) must check
 * signatures over exactly that URL. The manager writes this into the source (`notificationUrl`)
 * after create and after a URL update. The seam (connect/types.ts) has no field for it, hence this helper.
 */
export function squareSourceFields(sub: Subscription): { notificationUrl: string } {
  return { notificationUrl: sub.url };
}

export interface SquareConnectorOptions {
  /** The clock, ms since epoch (Square's 28-day event window is read against it). */
  now?: () => number;
  /** How long to wait for each answer, ms (default 30 s). */
  timeoutMs?: number;
}

/** A Square connector on the given clock; `squareConnector` is the one on the system clock. */
export function createSquareConnector(options: SquareConnectorOptions = {}): ProviderConnector {
  const env: CallEnv = { now: options.now ?? Date.now, timeoutMs: options.timeoutMs ?? DEFAULT_CALL_ENV.timeoutMs };
  return {
    provider: 'square',
    defaultApiBase: SQUARE_API_BASE,

    /**
     * Creates the subscription and returns Square's `signature_key` as the secret (Square makes it;
     * `req.secret` is not used). Also switches on event search (PUT /v2/events/enable; Square keeps
     * events searchable only from then on), so a later gap can be recovered; a failure there does
     * not undo the subscription (recover tries again and says so in its notes).
     */
    async create(ctx, req) {
      requireHttps(req.url);
      const name = `Hookdock ${pathOf(req.url)}`.slice(0, 64);
      const answer = await squareCall(
        ctx,
        'POST',
        '/v2/webhooks/subscriptions',
        {
          idempotency_key: randomUUID(),
          subscription: { name, event_types: req.events, notification_url: req.url, api_version: SQUARE_VERSION },
        },
        req.events,
        env,
      );
      const sub = subscriptionOf(answer.text);
      if (!sub.signature_key) {
        throw new ConnectError(
          'provider',
          'Square created the subscription but sent no signature key; Hookdock tries again at its next check.',
        );
      }
      await squareCall(ctx, 'PUT', '/v2/events/enable', undefined, [], env).catch(() => undefined);
      // A subscription of Hookdock's at this very URL is left by a run that stopped (kill -9) before
      // it saved the id; its signature key is lost, so its deliveries can only fail. Deleted once
      // the new one exists (best effort), so subscriptions do not pile up.
      const listed = await squareCall(ctx, 'GET', '/v2/webhooks/subscriptions', undefined, [], env).catch(() => null);
      const others =
        (listed ? (jsonOf(listed.text) as { subscriptions?: unknown } | undefined)?.subscriptions : null) ?? [];
      for (const stale of Array.isArray(others) ? (others as (SquareSubscription & { id?: string })[]) : []) {
        if (stale?.id && stale.id !== sub.id && stale.notification_url === req.url && stale.name === name) {
          await squareCall(ctx, 'DELETE', subscriptionPath(stale.id), undefined, [], env).catch(() => undefined);
        }
      }
      return { subscription: toSubscription(sub), secret: sub.signature_key };
    },

    async get(ctx, id) {
      try {
        const answer = await squareCall(ctx, 'GET', subscriptionPath(id), undefined, [], env);
        return toSubscription(subscriptionOf(answer.text));
      } catch (err) {
        if (err instanceof ConnectError && err.kind === 'not-found') return null;
        throw err;
      }
    },

    /** PUT with only what changes; the signature key stays the same (Square rotates it only on request). */
    async update(ctx, id, change) {
      const subscription: Record<string, unknown> = {};
      if (change.url !== undefined) {
        requireHttps(change.url);
        subscription.notification_url = change.url;
      }
      if (change.events !== undefined) subscription.event_types = change.events;
      if (change.enabled !== undefined) subscription.enabled = change.enabled;
      const answer = await squareCall(ctx, 'PUT', subscriptionPath(id), { subscription }, change.events ?? [], env);
      return toSubscription(subscriptionOf(answer.text));
    },

    /** Deleting a subscription that is already gone succeeds (the wanted state is reached). */
    async delete(ctx: ConnectorContext, id: string) {
      try {
        await squareCall(ctx, 'DELETE', subscriptionPath(id), undefined, [], env);
      } catch (err) {
        if (err instanceof ConnectError && err.kind === 'not-found') return;
        throw err;
      }
    },

    recover: (ctx, sub, span) => recoverSquare(ctx, sub, span, env),
  };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export const squareConnector: ProviderConnector = createSquareConnector();
