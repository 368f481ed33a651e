// What WooCommerce lets Hookdock get back after a gap. WooCommerce keeps no list of
// webhook deliveries to ask for again, but it keeps the orders: the ones modified since
// the gap began are read (GET /wc/v3/orders, modified_after with dates_are_gmt=true,
// per_page=100, page=N while N <= X-WP-TotalPages), and an order.created or order.updated
// delivery is rebuilt where date_created_gmt or date_modified_gmt falls in the gap. The body
// is the wc/v3 order, which is what a WooCommerce order webhook (API version wp_api_v3) carries.
//
// Only a lower bound is asked: an order created in the gap and modified again since has its
// date_modified_gmt after the gap, and must still be found for its order.created. Deleted
// orders are not listed, and core WooCommerce has no refund topic (a refund shows as
// order.updated), so other topics get a note instead.
import { pause } from './http';
import { wooRequest, wooSite } from './woocommerce-api';
import {
  ConnectError,
  type ConnectorContext,
  type RecoveredDelivery,
  type RecoveryResult,
  type Subscription,
} from './types';

type Order = Record<string, unknown> & { date_created_gmt?: string; date_modified_gmt?: string };

/** Recoverable topic -> the order's GMT time of that change. */
const TOPICS: Record<string, 'date_created_gmt' | 'date_modified_gmt'> = {
  'order.created': 'date_created_gmt',
  'order.updated': 'date_modified_gmt',
};
const MAX_RATE_LIMIT_WAITS = 5;
/** A guard against a site that claims endless pages (X-WP-TotalPages): 500 pages of 100 orders. */
const MAX_PAGES = 500;

/** WooCommerce's `*_gmt` times carry no zone: they are UTC. */
const gmt = (value: string | undefined) => (value ? Date.parse(/Z$/i.test(value) ? value : `${value}Z`) : NaN);

/** The GMT time as WooCommerce's query parameters take it (ISO 8601, no zone, with dates_are_gmt). */
const wooTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);

async function page(ctx: ConnectorContext, path: string): Promise<{ orders: Order[]; pages: number }> {
  for (let waits = 0; ; waits++) {
    try {
      const answer = await wooRequest(ctx, 'GET', path);
      if (!Array.isArray(answer.json))
        throw new ConnectError(
          'provider',
          'The WooCommerce site answered the order list in a shape Hookdock does not know: it tries again later.',
        );
      return { orders: answer.json as Order[], pages: Number(answer.headers.get('x-wp-totalpages') ?? 1) || 1 };
    } catch (err) {
      if (!(err instanceof ConnectError) || err.kind !== 'rate-limited' || waits >= MAX_RATE_LIMIT_WAITS) throw err;
      await pause(Math.min(err.retryAfterMs ?? 5000, 60_000), ctx.signal);
    }
  }
}

/**
 * Rebuilds order.created / order.updated deliveries of `sub`'s topics for changes in
 * [span.from, span.to) (ms), oldest first, with the headers WooCommerce sends
 * (X-WC-Webhook-Source, -Topic, -Resource, -Event, -ID = that topic's webhook id; no
 * signature or delivery id: see recovered-event.ts) and the wc/v3 order as body.
 * Throws ConnectError (auth, forbidden, rate-limited after a few waits, unreachable, provider).
 */
export async function recoverWoocommerce(
  ctx: ConnectorContext,
  sub: Subscription,
  span: { from: number; to: number },
): Promise<RecoveryResult> {
  const hookIds = sub.id.split(',');
  // order.created before order.updated at one instant, as WooCommerce fires them.
  const topics = Object.keys(TOPICS).filter((t) => sub.events.includes(t));
  const notes = sub.events
    .filter((t) => !(t in TOPICS))
    .map((t) =>
      t === 'order.deleted'
        ? 'WooCommerce no longer lists orders deleted during the gap, so Hookdock could not get their order.deleted back.'
        : `WooCommerce keeps no copy of missed ${t} webhooks, so Hookdock could not get them back.`,
    );
  const source = `${ctx.account ? ctx.account.trim().replace(/\/+$/, '') : wooSite(ctx)}/`;
  const found: (RecoveredDelivery & { at: number })[] = [];
  if (topics.length) {
    const query = new URLSearchParams({
      // A second early: WordPress's "after" may be exclusive, and the query has whole seconds.
      modified_after: wooTime(span.from - 1000),
      dates_are_gmt: 'true',
      per_page: '100',
      orderby: 'id',
      order: 'asc',
    });
    for (let n = 1, pages = 1; n <= pages; n++) {
      if (n > MAX_PAGES) {
        notes.push(
          `The WooCommerce site listed more than ${MAX_PAGES * 100} orders changed since the gap began; only the first were checked.`,
        );
        break;
      }
      const got = await page(ctx, `/orders?${query}&page=${n}`);
      pages = got.pages;
      // A page with no orders ends the list, whatever the total the site claims.
      if (got.orders.length === 0) break;
      for (const order of got.orders) {
        for (const topic of topics) {
          const field = TOPICS[topic]!;
          const at = gmt(order[field]);
          if (!(at >= span.from && at < span.to)) continue;
          found.push({
            at,
            headers: {
              'content-type': 'application/json',
              'x-wc-webhook-source': source,
              'x-wc-webhook-topic': topic,
              'x-wc-webhook-resource': 'order',
              'x-wc-webhook-event': topic.slice('order.'.length),
              'x-wc-webhook-id': hookIds[sub.events.indexOf(topic)] ?? sub.id,
            },
            body: JSON.stringify(order),
          });
        }
      }
    }
  }
  found.sort((a, b) => a.at - b.at);
  return { deliveries: found.map(({ headers, body }) => ({ headers, body })), redelivered: 0, notes };
}
