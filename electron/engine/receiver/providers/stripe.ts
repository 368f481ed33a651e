// Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 of
// "t.body" keyed with the whole signing secret string (whsec_... included).
// Several v1 entries appear while a secret is being rolled: any may match.
import type { Provider } from '../types';
import {
  STALE_TOLERANCE_SEC,
  accepted,
  bodyField,
  bodyType,
  digestsEqual,
  fromHex,
  hmac,
  mismatch,
  rejected,
  requireSignature,
  sampleId,
  timestampProblem,
} from './util';

const HEADER = 'Stripe-Signature';

export function parseStripeSignature(value: string): { t: number | null; v1: string[] } {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(val)) t = Number(val);
    else if (key === 'v1') v1.push(val);
  }
  return { t, v1 };
}

export function stripeSignature(secret: string, timestampSec: number, body: string | Buffer): string {
  return `t=${timestampSec},v1=${hmac('sha256', secret, `${timestampSec}.`, body).toString('hex')}`;
}

export const stripe: Provider = {
  id: 'stripe',
  label: 'Stripe',
  jsonBody: true,
  verify(req, payload) {
    const type = bodyType(payload, req.rawBody);
    const eventId = bodyField(payload, 'id', req.rawBody);
    const signed = requireSignature(req, HEADER, 'Stripe');
    if ('problem' in signed) return rejected(signed.problem, type, eventId);
    const { t, v1 } = parseStripeSignature(signed.signature);
    if (t === null || v1.length === 0) {
      return rejected(
        `The ${HEADER} header has no t= timestamp or no v1= signature: it was not made by Stripe.`,
        type,
        eventId,
      );
    }
    const expected = hmac('sha256', signed.secret, `${t}.`, req.rawBody);
    let matched = false;
    for (const candidate of v1) if (digestsEqual(expected, fromHex(candidate))) matched = true;
    if (!matched) return rejected(mismatch('Stripe', 'signing secret (whsec_...)', req.source), type, eventId);
    const stale = timestampProblem('Stripe signature', t, req.now, STALE_TOLERANCE_SEC);
    if (stale) return rejected(stale, type, eventId);
    return accepted(type, eventId);
  },
  sample(source, _url, now) {
    const created = Math.floor(now / 1000);
    const body = JSON.stringify({
      id: sampleId('evt_'),
      object: 'event',
      api_version: '2024-06-20',
      created,
      type: 'charge.refunded',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: {
        object: {
          id: sampleId('ch_'),
          object: 'charge',
          amount: 5900,
          amount_refunded: 1250,
          currency: 'eur',
          refunded: false,
          status: 'succeeded',
          receipt_email: 'jane@example.com',
          billing_details: { name: 'Jane Doe', email: 'jane@example.com' },
          created: created - 3600,
        },
      },
    });
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': stripeSignature(source.secret ?? '', created, body),
      },
      body,
    };
  },
};
