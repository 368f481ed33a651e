// Standard Webhooks signatures (https://www.standardwebhooks.com):
// v1,<base64 HMAC-SHA256 of "id.timestamp.body">, keyed by the base64-decoded
// part of the secret after "whsec_".
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';

/** The raw key bytes of a `whsec_<base64>` secret (a secret without the prefix is taken as base64 too). */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  return Buffer.from(b64, 'base64');
}

/**
 * The `webhook-signature` header value for one attempt: the body as a string (UTF-8) or as
 * the exact bytes sent (a forwarded body that is not UTF-8 is signed byte for byte).
 */
export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${webhookId}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
  return `v1,${mac}`;
}
