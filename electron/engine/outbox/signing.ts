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

/** The `webhook-signature` header value for one attempt. */
export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${webhookId}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}
