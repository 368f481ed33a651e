// Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body, keyed
// with the app's client secret. Topic and ids travel in headers.
//
// Duplicates: Shopify's guide (shopify.dev/docs/apps/build/webhooks/ignore-duplicates)
// names X-Shopify-Event-Id, and says the same event reaches every subscription
// to a topic, one webhook each; subscriptions may differ in `fields` and so in
// body. The key is topic + event id (else X-Shopify-Webhook-Id, the same on each
// retry of one delivery) + body hash: a retry collapses, different content never does.
//
// Recovered copies (Connect, issue #14) and late webhooks meet on the resource key
// (resource-key.ts): topic + order (or refund) id, + updated_at for orders/updated.
//
// Header families: the classic `X-Shopify-*`, and the same names without `X-`
// (`Shopify-Hmac-Sha256`, `Shopify-Topic`, `Shopify-Webhook-Id`, ...) that
// Shopify's Events deliveries use (shopify.dev/docs/apps/build/events/verify-deliveries)
// and Shopify's own libraries read. One family is used per request, never mixed.
import { randomUUID } from 'node:crypto';
import type { Provider } from '../types';
import { dedupeKeyOf } from './dedupe-key';
import { resourceKeyOf } from './resource-key';
import { bodyHmacBase64, header, verifyBodyHmacBase64, type BodyHmacBase64 } from './util';

const SENDER: BodyHmacBase64 = {
  header: 'X-Shopify-Hmac-Sha256',
  label: 'Shopify',
  secretName:
    "webhook signing secret (the app's client secret, or the one shown under Settings > Notifications > Webhooks)",
};

const UNPREFIXED: BodyHmacBase64 = { ...SENDER, header: 'Shopify-Hmac-Sha256' };

export const shopify: Provider = {
  id: 'shopify',
  label: 'Shopify',
  jsonBody: true,
  // WebhookSubscriptionFormat is JSON or XML (shopify.dev Admin API): both are accepted.
  xmlBody: true,
  verify(req, payload) {
    const prefix = !header(req, SENDER.header) && header(req, UNPREFIXED.header) ? 'Shopify-' : 'X-Shopify-';
    const type = header(req, `${prefix}Topic`) ?? 'unknown';
    const eventId = header(req, `${prefix}Event-Id`) ?? header(req, `${prefix}Webhook-Id`);
    const key = eventId ? dedupeKeyOf([type, eventId], req.rawBody) : null;
    const resource = resourceKeyOf('shopify', type, payload, req.rawBody);
    return verifyBodyHmacBase64(req, prefix === 'X-Shopify-' ? SENDER : UNPREFIXED, type, eventId, key, resource);
  },
  sample(source, _url, now) {
    const orderId = 5_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const at = new Date(now).toISOString();
    const body = JSON.stringify({
      id: orderId,
      admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
      name: '#1042',
      order_number: 1042,
      email: 'jane@example.com',
      created_at: at,
      currency: 'USD',
      financial_status: 'paid',
      fulfillment_status: null,
      subtotal_price: '54.00',
      total_tax: '5.00',
      total_price: '59.00',
      customer: { id: 7_000_000_001, email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
      line_items: [{ id: 1, title: 'Ceramic mug', quantity: 2, price: '27.00', sku: 'MUG-01' }],
      shipping_address: { name: 'Jane Doe', city: 'Portland', country_code: 'US' },
    });
    return {
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': bodyHmacBase64(source.secret ?? '', body),
        'x-shopify-shop-domain': 'example-shop.myshopify.com',
        'x-shopify-api-version': '2024-07',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': at,
      },
      body,
    };
  },
};
