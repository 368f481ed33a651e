// Resource keys: what a webhook and Hookdock's recovered copy of it (Connect,
// issue #14) both carry, so one order change runs the owner's automations once
// whichever arrives first. A recovered delivery has no event or delivery id and
// its body may differ in bytes from the webhook's (fields added since, another
// key order), so the receiver's usual duplicate key cannot match it.
//
// The key names the resource and the change: `<provider>:<topic>:<id>` for a
// topic that happens once per resource (an order is created, paid, fulfilled,
// cancelled once; a refund is created once), plus `:<update time>` for an
// "updated" topic, whose webhook body carries the order version it describes
// (Shopify `updated_at`, WooCommerce `date_modified_gmt`: the webhook for that
// update and the order read back from the REST API later have the same id and
// the same update time). Times are written as Unix seconds, so a zone never matters.
//
// Only topics recovery can rebuild have one (connect/shopify-recover.ts,
// connect/woocommerce-recover.ts); for any other topic, or a body without the
// fields, there is none and the usual duplicate key is the only one.
import { asRecord, bodyField } from './util';

/** Per provider and topic: the body field holding the version, or null when the topic happens once per resource. */
export const RESOURCE_TOPICS: Record<'shopify' | 'woocommerce', Record<string, string | null>> = {
  // shopify.dev/docs/api/webhooks: orders/* bodies are the REST Order, refunds/create the REST Refund.
  shopify: {
    'orders/create': null,
    'orders/paid': null,
    'orders/fulfilled': null,
    'orders/cancelled': null,
    'refunds/create': null,
    'orders/updated': 'updated_at',
  },
  // woocommerce.github.io/woocommerce-rest-api-docs: order.* bodies are the wc/v3 order.
  woocommerce: {
    'order.created': null,
    'order.updated': 'date_modified_gmt',
  },
};

// ISO 8601 date-time to the second, fraction and zone optional (no zone: UTC, as WooCommerce's `*_gmt`).
const TIME = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$/i;

/**
 * A time as Unix seconds (a string), or null if unreadable. Read by hand, not with Date.parse
 * and toISOString: this runs on every order webhook, and that pair cost about three times as much.
 */
export function utcSeconds(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = TIME.exec(value);
  if (!m) return null;
  let seconds = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  const zone = m[7];
  if (zone && zone.length > 1) {
    // 06:00-05:00 is 11:00 UTC: a zone west of UTC adds.
    const offset = +zone.slice(1, 3) * 3600 + +zone.slice(-2) * 60;
    seconds += zone[0] === '-' ? offset : -offset;
  }
  return Number.isFinite(seconds) ? String(seconds) : null;
}

/**
 * The resource key of a webhook body (`payload`, already parsed; `rawBody` only
 * read again for an id past 2^53), e.g. `shopify:orders/updated:450789469:1704207845`,
 * or null when the topic has none or the body lacks the id or version.
 */
export function resourceKeyOf(
  provider: 'shopify' | 'woocommerce',
  topic: string,
  payload: unknown,
  rawBody: Buffer,
): string | null {
  const topics = RESOURCE_TOPICS[provider];
  if (!Object.prototype.hasOwnProperty.call(topics, topic)) return null;
  const body = asRecord(payload);
  if (!body) return null;
  const raw = body.id;
  // Safe integers print exactly; only a larger one needs the exact digits (an extra parse).
  const id = Number.isSafeInteger(raw) ? String(raw) : bodyField(body, 'id', rawBody);
  if (!id) return null;
  const versionField = topics[topic];
  if (versionField === null) return `${provider}:${topic}:${id}`;
  const version = utcSeconds(body[versionField]);
  return version ? `${provider}:${topic}:${id}:${version}` : null;
}
