// WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the raw body,
// keyed with the webhook's secret. When a webhook is saved WooCommerce POSTs an
// unsigned `webhook_id=<n>` ping and shows an error unless it gets a 200: that
// ping is answered 200 but stored as rejected, so it can never run a script.
//
// Duplicates: X-WC-Webhook-Delivery-ID is a hash of the webhook id and the current
// Unix second (WC_Webhook::get_new_delivery_id), so every delivery of that webhook
// within one second shares it. The key is webhook id + delivery id + topic + body
// hash: only a byte-identical resend of one delivery is a duplicate. Recovered
// copies (Connect, issue #14) and late webhooks meet on the resource key
// (resource-key.ts): topic + order id, + date_modified_gmt for order.updated.
import type { Provider } from '../types';
import { dedupeKeyOf } from './dedupe-key';
import { resourceKeyOf } from './resource-key';
import { bodyHmacBase64, header, verifyBodyHmacBase64, type BodyHmacBase64 } from './util';

const SENDER: BodyHmacBase64 = {
  header: 'X-WC-Webhook-Signature',
  label: 'WooCommerce',
  secretName: 'secret (WooCommerce > Settings > Advanced > Webhooks > Secret)',
};

const PING = /^webhook_id=\d+$/;

export const woocommerce: Provider = {
  id: 'woocommerce',
  label: 'WooCommerce',
  jsonBody: true,
  verify(req, payload) {
    const type = header(req, 'X-WC-Webhook-Topic') ?? 'unknown';
    const eventId = header(req, 'X-WC-Webhook-Delivery-ID');
    if (!header(req, SENDER.header) && req.rawBody.length < 64 && PING.test(req.rawBody.toString('latin1'))) {
      return {
        ok: false,
        reason:
          "WooCommerce's unsigned test ping, sent when a webhook is saved: answered 200 so WooCommerce accepts this URL. It never runs an automation.",
        type: 'ping',
        providerEventId: null,
        acknowledge: true,
      };
    }
    const webhook = header(req, 'X-WC-Webhook-ID');
    const key = dedupeKeyOf([webhook && `webhook ${webhook}`, eventId, type], req.rawBody);
    return verifyBodyHmacBase64(
      req,
      SENDER,
      type,
      eventId,
      key,
      resourceKeyOf('woocommerce', type, payload, req.rawBody),
    );
  },
  sample(source, _url, now) {
    const orderId = 1000 + Math.floor(Math.random() * 90_000);
    const at = new Date(now).toISOString().slice(0, 19);
    const body = JSON.stringify({
      id: orderId,
      number: '1042',
      status: 'processing',
      currency: 'USD',
      date_created: at,
      total: '59.00',
      total_tax: '5.00',
      payment_method_title: 'Credit card',
      billing: { first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com', city: 'Portland', country: 'US' },
      line_items: [{ id: 1, name: 'Ceramic mug', quantity: 2, total: '54.00', sku: 'MUG-01' }],
    });
    return {
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-source': 'https://shop.example.com/',
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'created',
        'x-wc-webhook-signature': bodyHmacBase64(source.secret ?? '', body),
        'x-wc-webhook-id': '7',
        'x-wc-webhook-delivery-id': String(Math.floor(Math.random() * 1e9)),
      },
      body,
    };
  },
};
