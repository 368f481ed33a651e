// Signs test webhooks the way each provider does, using the providers' own
// libraries where one exists (stripe, standardwebhooks, @octokit/webhooks-methods),
// so the receiver is checked against the real thing, not against itself.
import { createHmac, randomUUID } from 'node:crypto';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import type { SourceConfig } from '../../shared/config';

// Kept importable from here: the engine tests take both from sign.ts.
export { sampleSources } from './sources';

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface SignOptions {
  /** Event type; goes where the provider puts it (body `type` or a header). */
  type?: string;
  /** Provider event id (dedup key); a fresh one when omitted. */
  eventId?: string;
  /** Square signs the URL it posts to. */
  url?: string;
  /** Milliseconds; default now. */
  now?: number;
  /** Extra payload fields (padding for size, ...). */
  extra?: Record<string, unknown>;
}

const b64hmac = (secret: string, ...parts: string[]) => {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest('base64');
};

/** A correctly signed request for `source`, as its provider would send it. */
export async function signedRequest(source: SourceConfig, opts: SignOptions = {}): Promise<SignedRequest> {
  const id = opts.eventId ?? randomUUID();
  const now = opts.now ?? Date.now();
  const secret = source.secret ?? '';
  const json = { 'Content-Type': 'application/json' };
  switch (source.provider) {
    case 'stripe': {
      const body = JSON.stringify({
        id,
        object: 'event',
        type: opts.type ?? 'charge.succeeded',
        data: { object: { amount: 5900 } },
        ...opts.extra,
      });
      const header = Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret,
        timestamp: Math.floor(now / 1000),
      });
      return { body, headers: { ...json, 'Stripe-Signature': header } };
    }
    case 'standard-webhooks': {
      const body = JSON.stringify({ type: opts.type ?? 'contact.created', data: { id }, ...opts.extra });
      const signature = new Webhook(secret).sign(id, new Date(now), body);
      const ts = String(Math.floor(now / 1000));
      return { body, headers: { ...json, 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature } };
    }
    case 'shopify': {
      const body = JSON.stringify({ id: 1042, name: '#1042', total_price: '59.00', ...opts.extra });
      return {
        body,
        headers: {
          ...json,
          'X-Shopify-Hmac-Sha256': b64hmac(secret, body),
          'X-Shopify-Topic': opts.type ?? 'orders/create',
          'X-Shopify-Event-Id': id,
          'X-Shopify-Webhook-Id': randomUUID(),
        },
      };
    }
    case 'woocommerce': {
      const body = JSON.stringify({ id: 77, status: 'processing', ...opts.extra });
      return {
        body,
        headers: {
          ...json,
          'X-WC-Webhook-Signature': b64hmac(secret, body),
          'X-WC-Webhook-Topic': opts.type ?? 'order.created',
          'X-WC-Webhook-Delivery-ID': id,
        },
      };
    }
    case 'square': {
      const body = JSON.stringify({
        event_id: id,
        type: opts.type ?? 'payment.updated',
        data: { id: 'p1' },
        ...opts.extra,
      });
      const url = source.notificationUrl ?? opts.url ?? '';
      return { body, headers: { ...json, 'X-Square-Hmacsha256-Signature': b64hmac(secret, url, body) } };
    }
    case 'github': {
      const body = JSON.stringify({ action: 'opened', number: 1, ...opts.extra });
      return {
        body,
        headers: {
          ...json,
          'X-Hub-Signature-256': await signGithub(secret, body),
          'X-GitHub-Event': opts.type ?? 'issues',
          'X-GitHub-Delivery': id,
        },
      };
    }
    case 'hmac': {
      const cfg = source.hmac!;
      const body = JSON.stringify({ id, event: opts.type ?? 'form.submitted', ...opts.extra });
      const digest = createHmac(cfg.algorithm, secret).update(body).digest(cfg.encoding);
      const headers: Record<string, string> = { ...json, [cfg.header]: cfg.prefix + digest };
      if (source.eventType && 'header' in source.eventType)
        headers[source.eventType.header] = opts.type ?? 'form.submitted';
      if (source.eventId && 'header' in source.eventId) headers[source.eventId.header] = id;
      return { body, headers };
    }
    case 'none': {
      const body = JSON.stringify({ id, type: opts.type ?? 'ping', ...opts.extra });
      return { body, headers: json };
    }
  }
}

/** POSTs a signed request; returns status and parsed JSON body. */
export async function postHook(
  receiverUrl: string,
  sourceId: string,
  req: SignedRequest,
): Promise<{ status: number; json: { id?: string; duplicate?: boolean; error?: { code: string; message: string } } }> {
  const res = await fetch(`${receiverUrl}/hooks/${sourceId}`, { method: 'POST', headers: req.headers, body: req.body });
  const text = await res.text();
  let json = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* non-JSON answers are kept empty */
  }
  return { status: res.status, json };
}
