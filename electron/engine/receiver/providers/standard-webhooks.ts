// Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp`
// (unix s), `webhook-signature` = space-separated "v1,<base64>" entries, each an
// HMAC-SHA256 of "id.timestamp.body" keyed with the base64-decoded part of the
// `whsec_<base64>` secret. Several entries appear while a secret is rolled.
// Svix (the reference implementation, used by Clerk, Resend and others) sends the
// same scheme as `svix-id`, `svix-timestamp`, `svix-signature`: either family is
// read, never mixed. Duplicates: the id, which the spec keeps on every resend.
import { randomUUID } from 'node:crypto';
import type { Provider } from '../types';
import {
  STALE_TOLERANCE_SEC,
  accepted,
  bodyType,
  digestsEqual,
  fromBase64,
  header,
  hmac,
  missingHeader,
  mismatch,
  noSecret,
  rejected,
  timestampProblem,
  sourceName,
} from './util';

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional), or null. */
export function standardWebhooksKey(secret: string): Buffer | null {
  return fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
}

export function standardWebhooksSignature(
  key: Buffer,
  id: string,
  timestampSec: number,
  body: string | Buffer,
): string {
  return 'v1,' + hmac('sha256', key, `${id}.${timestampSec}.`, body).toString('base64');
}

export const standardWebhooks: Provider = {
  id: 'standard-webhooks',
  label: 'Standard Webhooks',
  jsonBody: true,
  verify(req, payload) {
    const type = bodyType(payload, req.rawBody);
    const family = !header(req, 'webhook-signature') && header(req, 'svix-signature') ? 'svix' : 'webhook';
    const id = header(req, `${family}-id`);
    const { source } = req;
    if (!source.secret) return rejected(noSecret(source), type, id);
    for (const name of [`${family}-id`, `${family}-timestamp`, `${family}-signature`]) {
      if (!header(req, name)) return rejected(missingHeader(name, 'a Standard Webhooks sender'), type, id);
    }
    const key = standardWebhooksKey(source.secret);
    if (!key)
      return rejected(
        `The signing secret of source "${sourceName(source)}" does not look like whsec_<base64>: copy it again from the sender.`,
        type,
        id,
      );
    const tsText = header(req, `${family}-timestamp`) ?? '';
    if (!/^\d+$/.test(tsText))
      return rejected(`The ${family}-timestamp header "${tsText.slice(0, 40)}" is not a number of seconds.`, type, id);
    const ts = Number(tsText);
    const expected = hmac('sha256', key, `${id}.${ts}.`, req.rawBody);
    let matched = false;
    for (const entry of (header(req, `${family}-signature`) ?? '').split(' ')) {
      const comma = entry.indexOf(',');
      if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
      if (digestsEqual(expected, fromBase64(entry.slice(comma + 1)))) matched = true;
    }
    if (!matched) return rejected(mismatch('Standard Webhooks', 'signing secret (whsec_...)', source), type, id);
    const stale = timestampProblem(`${family}-timestamp`, ts, req.now, STALE_TOLERANCE_SEC);
    if (stale) return rejected(stale, type, id);
    return accepted(type, id);
  },
  sample(source, _url, now) {
    const id = 'msg_' + randomUUID().replace(/-/g, '');
    const ts = Math.floor(now / 1000);
    const body = JSON.stringify({
      type: 'customer.created',
      timestamp: new Date(now).toISOString(),
      data: { id: 'cus_' + randomUUID().slice(0, 8), email: 'jane@example.com', name: 'Jane Doe' },
    });
    const key = standardWebhooksKey(source.secret ?? '') ?? Buffer.alloc(0);
    return {
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': standardWebhooksSignature(key, id, ts, body),
      },
      body,
    };
  },
};
