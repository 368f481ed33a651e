// Square: `X-Square-Hmacsha256-Signature` = base64 HMAC-SHA256 of the
// notification URL followed by the raw body, keyed with the subscription's
// signature key. The URL must be exactly the one registered with Square, which
// is why a wrong URL (a changed tunnel address) shows up as a bad signature.
// Square posts to that URL, so the receiver hands in the URL as received (a
// trailing slash or a query string included: receiver/signed-url.ts), and the
// configured notificationUrl as written: a signature over either is accepted.
// Duplicates: `event_id`, which Square keeps on every retry of an event.
import { randomUUID } from 'node:crypto';
import type { Provider } from '../types';
import {
  accepted,
  bodyField,
  bodyType,
  digestsEqual,
  fromBase64,
  hmac,
  rejected,
  requireSignature,
  sourceName,
} from './util';

const HEADER = 'X-Square-Hmacsha256-Signature';

export const square: Provider = {
  id: 'square',
  signsUrl: true,
  label: 'Square',
  jsonBody: true,
  verify(req, payload) {
    const type = bodyType(payload, req.rawBody);
    const eventId = bodyField(payload, 'event_id', req.rawBody);
    const signed = requireSignature(req, HEADER, 'Square');
    if ('problem' in signed) return rejected(signed.problem, type, eventId);
    const given = fromBase64(signed.signature);
    let matched = false;
    for (const url of [req.url, ...(req.otherUrls ?? [])]) {
      if (digestsEqual(hmac('sha256', signed.secret, url, req.rawBody), given)) matched = true;
    }
    if (!matched) {
      return rejected(
        `The Square signature did not match: check the signature key of source "${sourceName(req.source)}", and that the notification URL registered with Square is exactly ${req.url} (set "notificationUrl" on the source if Square posts to another address).`,
        type,
        eventId,
      );
    }
    return accepted(type, eventId);
  },
  sample(source, url, now) {
    const paymentId = randomUUID().replace(/-/g, '').slice(0, 24).toUpperCase();
    const at = new Date(now).toISOString();
    const body = JSON.stringify({
      merchant_id: 'ML8M1AQ1GQG2K',
      type: 'payment.created',
      event_id: randomUUID(),
      created_at: at,
      data: {
        type: 'payment',
        id: paymentId,
        object: {
          payment: {
            id: paymentId,
            created_at: at,
            amount_money: { amount: 5900, currency: 'USD' },
            total_money: { amount: 5900, currency: 'USD' },
            status: 'COMPLETED',
            source_type: 'CARD',
            location_id: 'L1ABCDEFGH123',
            order_id: randomUUID().replace(/-/g, '').slice(0, 24),
            buyer_email_address: 'jane@example.com',
          },
        },
      },
    });
    return {
      headers: {
        'content-type': 'application/json',
        'x-square-hmacsha256-signature': hmac('sha256', source.secret ?? '', url, body).toString('base64'),
      },
      body,
    };
  },
};
