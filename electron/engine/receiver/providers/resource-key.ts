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
// the same update time). Times are normalised to UTC ISO seconds.
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

/** An ISO-ish time as UTC ISO seconds; WooCommerce's `*_gmt` fields carry no zone (they are UTC). Null if unreadable. */
export function utcSeconds(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < 10) return null;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) + 'Z' : null;
}

/**
 * The resource key of a webhook body (`payload`, already parsed; `rawBody` only
 * read again for an id past 2^53), e.g. `shopify:orders/updated:450789469:2024-01-02T15:04:05Z`,
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
