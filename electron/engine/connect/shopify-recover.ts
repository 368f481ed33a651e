// What Shopify lets Hookdock get back after a gap. Shopify never sends a missed webhook
// again once it gave up, and keeps no list of them; what it keeps is the orders. So the
// orders updated since the gap began are read with the REST Admin API (GET orders.json,
// status=any, Link-header paging with page_info: shopify.dev/docs/api/usage/pagination-rest),
// and each subscribed topic's delivery is rebuilt where the order shows the change
// happened inside the gap. REST rather than GraphQL because a REST Order is the very JSON a
// webhook for an orders/* topic carries (and a REST Refund a refunds/create's), so a
// recovered event looks like the real one to the owner's automations and templates.
//
// Only a lower bound (updated_at_min) is asked: an order created or paid in the gap and
// changed again since has updated_at after the gap, and must still be found. Each
// delivery's own time decides whether it falls in [from, to).
import { pause, sameOrigin } from './http';
import { SHOPIFY_API_VERSION, shopDomain, shopifyBase, shopifyRestGet } from './shopify-api';
import {
  ConnectError,
  type ConnectorContext,
  type RecoveredDelivery,
  type RecoveryResult,
  type Subscription,
} from './types';

type Order = Record<string, unknown> & {
  created_at?: string;
  updated_at?: string;
  processed_at?: string;
  cancelled_at?: string | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  fulfillments?: { created_at?: string }[];
  refunds?: (Record<string, unknown> & { created_at?: string })[];
};

/** The topics recovery rebuilds; any other subscribed topic gets a note. */
export const SHOPIFY_RECOVERABLE = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/fulfilled',
  'orders/cancelled',
  'refunds/create',
];

const PAID = new Set(['paid', 'partially_refunded', 'refunded']);
const MAX_RATE_LIMIT_WAITS = 5;
/** A guard against a paging loop (a Link `next` that never ends or points back): 200 pages of 250 orders. */
const MAX_PAGES = 200;

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
const latest = (times: (string | undefined)[]) =>
  times.reduce<string | undefined>((a, b) => (b && (!a || ms(b) > ms(a)) ? b : a), undefined);

/** For one order and topic: the webhook bodies (with the time each change happened) that fall in the span. */
function changes(order: Order, topic: string): { at: string; body: unknown }[] {
  switch (topic) {
    case 'orders/create':
      return order.created_at ? [{ at: order.created_at, body: order }] : [];
    case 'orders/updated':
      return order.updated_at ? [{ at: order.updated_at, body: order }] : [];
    case 'orders/paid': {
      // The order carries no payment time: processed_at is it for orders paid at checkout.
      const at = order.processed_at ?? order.created_at;
      return at && PAID.has(order.financial_status ?? '') ? [{ at, body: order }] : [];
    }
    case 'orders/fulfilled': {
      const at = latest((order.fulfillments ?? []).map((f) => f.created_at));
      return at && order.fulfillment_status === 'fulfilled' ? [{ at, body: order }] : [];
    }
    case 'orders/cancelled':
      return order.cancelled_at ? [{ at: order.cancelled_at, body: order }] : [];
    case 'refunds/create':
      return (order.refunds ?? []).filter((r) => r.created_at).map((r) => ({ at: r.created_at!, body: r }));
    default:
      return [];
  }
}

function nextLink(link: string | null): string | null {
  return link?.match(/<([^>]+)>\s*;\s*rel="?next"?/)?.[1] ?? null;
}

/** One page, waiting out rate limits (Retry-After) a few times before giving up with the ConnectError. */
async function page(ctx: ConnectorContext, url: string): Promise<{ orders: Order[]; next: string | null }> {
  for (let waits = 0; ; waits++) {
    try {
      const answer = await shopifyRestGet(ctx, url);
      const orders = (answer.json as { orders?: Order[] } | undefined)?.orders;
      if (!Array.isArray(orders))
        throw new ConnectError(
          'provider',
          'Shopify answered the order list in a shape Hookdock does not know: it tries again later.',
        );
      return { orders, next: nextLink(answer.headers.get('link')) };
    } catch (err) {
      if (!(err instanceof ConnectError) || err.kind !== 'rate-limited' || waits >= MAX_RATE_LIMIT_WAITS) throw err;
      await pause(Math.min(err.retryAfterMs ?? 2000, 60_000), ctx.signal);
    }
  }
}

/**
 * Rebuilds the deliveries of `sub`'s topics for changes in [span.from, span.to) (ms), oldest
 * first, with the headers Shopify sends (X-Shopify-Topic, -Shop-Domain, -Webhook-Id = that
 * topic's subscription GID, -API-Version, -Triggered-At; no HMAC: see recovered-event.ts) and
 * the REST JSON as body. Throws ConnectError (auth, forbidden: read_orders, rate-limited after
 * a few waits, unreachable, provider).
 */
export async function recoverShopify(
  ctx: ConnectorContext,
  sub: Subscription,
  span: { from: number; to: number },
): Promise<RecoveryResult> {
  const base = shopifyBase(ctx);
  const shop = ctx.account ? shopDomain(ctx) : new URL(base).host;
  const gids = sub.id.split(',');
  const topics = sub.events.filter((t) => SHOPIFY_RECOVERABLE.includes(t));
  const notes = sub.events
    .filter((t) => !SHOPIFY_RECOVERABLE.includes(t))
    .map((t) => `Shopify keeps no copy of missed ${t} webhooks, so Hookdock could not get them back.`);
  if (topics.includes('orders/paid')) {
    notes.push(
      'Orders marked as paid by hand during the gap come back as orders/updated only: Shopify records no payment time on the order.',
    );
  }
  const found: (RecoveredDelivery & { at: number; rank: number })[] = [];
  if (topics.length) {
    const query = new URLSearchParams({
      status: 'any',
      updated_at_min: new Date(span.from).toISOString(),
      limit: '250',
    });
    let url: string | null = `${base}/admin/api/${SHOPIFY_API_VERSION}/orders.json?${query}`;
    const seen = new Set<string>();
    while (url) {
      if (seen.has(url) || seen.size === MAX_PAGES) {
        notes.push(
          seen.has(url)
            ? "Shopify's list of orders pointed back to a page already read: Hookdock stopped there, and orders after it may be missing."
            : `Shopify listed more than ${MAX_PAGES * 250} orders changed since the gap began; only the first were checked.`,
        );
        break;
      }
      seen.add(url);
      const { orders, next } = await page(ctx, url);
      for (const order of orders) {
        for (const topic of topics) {
          for (const change of changes(order, topic)) {
            const at = ms(change.at);
            if (!(at >= span.from && at < span.to)) continue;
            found.push({
              at,
              rank: SHOPIFY_RECOVERABLE.indexOf(topic),
              headers: {
                'content-type': 'application/json',
                'x-shopify-topic': topic,
                'x-shopify-shop-domain': shop,
                'x-shopify-webhook-id': gids[sub.events.indexOf(topic)] ?? sub.id,
                'x-shopify-api-version': SHOPIFY_API_VERSION,
                'x-shopify-triggered-at': change.at,
              },
              body: JSON.stringify(change.body),
            });
          }
        }
      }
      // The next page only on the shop's own origin: the access token goes nowhere else.
      if (next && !sameOrigin(next, base))
        throw new ConnectError(
          'provider',
          "Shopify's next page of orders pointed to another site: Hookdock stopped there.",
        );
      url = next;
    }
  }
  // Oldest first; at one instant in Shopify's order (created before updated), as its webhooks come.
  found.sort((a, b) => a.at - b.at || a.rank - b.rank);
  return { deliveries: found.map(({ headers, body }) => ({ headers, body })), redelivered: 0, notes };
}
