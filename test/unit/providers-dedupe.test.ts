// Issue #10 kind 1: every provider's duplicate key is unique per event. A retry
// of one event gives the same key; different content never shares one.
import { createHash, createHmac } from 'node:crypto';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../shared/config';
import { getProvider } from '../../electron/engine/receiver/providers';
import { parseWithExactNumbers, quoteJsonNumbers } from '../../electron/engine/receiver/providers/json-exact';
import type { ProviderResult } from '../../electron/engine/receiver/types';
import { verify } from './providers-helpers';

const NOW = 1_780_000_000_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const b64 = (secret: string, ...parts: string[]) => {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest('base64');
};
/** The key the store compares (per source): dedupeKey, else providerEventId. */
const keyOf = (r: ProviderResult) => {
  expect(r.ok).toBe(true);
  return r.dedupeKey ?? r.providerEventId;
};

describe('woocommerce: X-WC-Webhook-Delivery-ID repeats within a second', () => {
  const woo = getProvider('woocommerce');
  const source: SourceConfig = { id: 'store', provider: 'woocommerce', secret: 'wc-secret' };
  // WC_Webhook::get_new_delivery_id: wp_hash(webhook id . current unix second) — one value for the whole second.
  const deliveryId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const delivery = (order: number, status: string) => {
    const body = JSON.stringify({ id: order, status, total: '59.00' });
    const headers = {
      'content-type': 'application/json',
      'X-WC-Webhook-Signature': b64(source.secret!, body),
      'X-WC-Webhook-Topic': 'order.updated',
      'X-WC-Webhook-Resource': 'order',
      'X-WC-Webhook-Event': 'updated',
      'X-WC-Webhook-ID': '7',
      'X-WC-Webhook-Delivery-ID': deliveryId,
    };
    return { body, headers };
  };

  it('gives three deliveries of webhook 7 in one second three keys; an exact retry the same key', () => {
    const d = [delivery(1042, 'processing'), delivery(1042, 'completed'), delivery(1043, 'completed')];
    const keys = d.map(({ body, headers }) => keyOf(verify(woo, source, body, headers, NOW)));
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(`webhook 7 | ${deliveryId} | order.updated | sha256:${sha256(d[0].body)}`);
    expect(keyOf(verify(woo, source, d[1].body, d[1].headers, NOW))).toBe(keys[1]);
    // The delivery id is still what the feed shows and search finds.
    expect(verify(woo, source, d[2].body, d[2].headers, NOW).providerEventId).toBe(deliveryId);
  });
});

describe('shopify: X-Shopify-Event-Id is shared by every subscription and may span topics', () => {
  const shopify = getProvider('shopify');
  const source: SourceConfig = { id: 'shop', provider: 'shopify', secret: 'shop-secret' };
  const send = (topic: string, body: string, webhookId: string, eventId: string | null = 'evt-9001') => {
    const headers: Record<string, string> = {
      'X-Shopify-Hmac-Sha256': b64(source.secret!, body),
      'X-Shopify-Topic': topic,
      'X-Shopify-Webhook-Id': webhookId,
    };
    if (eventId) headers['X-Shopify-Event-Id'] = eventId;
    return keyOf(verify(shopify, source, body, headers, NOW));
  };
  const full = JSON.stringify({ id: 450789469, total_price: '59.00', email: 'jane@example.com' });
  const trimmed = JSON.stringify({ id: 450789469, total_price: '59.00' });

  it('a retry (same event, topic and body) shares the key, even with another webhook id', () => {
    expect(send('orders/paid', full, 'w-1')).toBe(send('orders/paid', full, 'w-1'));
    expect(send('orders/paid', full, 'w-1')).toBe(send('orders/paid', full, 'w-2'));
  });

  it('another topic, or a subscription with other `fields` (other body), does not', () => {
    expect(send('orders/paid', full, 'w-1')).not.toBe(send('orders/updated', full, 'w-1'));
    expect(send('orders/paid', full, 'w-1')).not.toBe(send('orders/paid', trimmed, 'w-3'));
    expect(send('orders/paid', full, 'w-1')).toBe(`orders/paid | evt-9001 | sha256:${sha256(full)}`);
  });

  it('falls back to X-Shopify-Webhook-Id (kept by retries) with the topic and body', () => {
    expect(send('orders/paid', full, 'w-1', null)).toBe(`orders/paid | w-1 | sha256:${sha256(full)}`);
    expect(send('orders/paid', full, 'w-1', null)).not.toBe(send('orders/paid', full, 'w-2', null));
  });
});

describe('github: X-GitHub-Delivery is one GUID per event, shared by all its webhooks', () => {
  const gh = getProvider('github');
  const source: SourceConfig = { id: 'repo', provider: 'github', secret: 'gh-secret' };
  const guid = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
  const send = async (hookId: string | null, body = JSON.stringify({ action: 'opened', number: 7 })) => {
    const headers: Record<string, string> = {
      'X-GitHub-Event': 'issues',
      'X-GitHub-Delivery': guid,
      'X-Hub-Signature-256': await githubSign(source.secret!, body),
    };
    if (hookId) headers['X-GitHub-Hook-ID'] = hookId;
    return keyOf(verify(gh, source, body, headers, NOW));
  };

  it('a redelivery (same GUID, same hook) shares the key; the repo and org hook of one event do not', async () => {
    expect(await send('111')).toBe(await send('111'));
    expect(await send('111')).toBe(`${guid} | hook 111`);
    expect(await send('111')).not.toBe(await send('222'));
  });

  it('without a hook id, the body hash tells different payloads apart', async () => {
    const other = JSON.stringify({ action: 'opened', number: 7, installation: { id: 5 } });
    expect(await send(null)).toBe(await send(null));
    expect(await send(null)).not.toBe(await send(null, other));
  });
});

describe('providers whose id is unique per event and kept by retries', () => {
  it('stripe: the event id alone (a retry may change pending_webhooks in the body)', () => {
    const stripe = getProvider('stripe');
    const source: SourceConfig = { id: 'payments', provider: 'stripe', secret: 'whsec_abc' };
    const sdk = new Stripe('sk_test_x');
    const attempt = (pending: number) => {
      const payload = JSON.stringify({
        id: 'evt_1Q',
        object: 'event',
        type: 'charge.refunded',
        pending_webhooks: pending,
      });
      const header = sdk.webhooks.generateTestHeaderString({ payload, secret: source.secret!, timestamp: NOW / 1000 });
      return keyOf(verify(stripe, source, payload, { 'Stripe-Signature': header }, NOW));
    };
    expect(attempt(2)).toBe('evt_1Q');
    expect(attempt(1)).toBe('evt_1Q');
  });

  it('square: event_id', () => {
    const square = getProvider('square');
    const source: SourceConfig = {
      id: 'pos',
      provider: 'square',
      secret: 'sq-key',
      notificationUrl: 'https://my.domain/hooks/pos',
    };
    const body = JSON.stringify({ event_id: 'e8c5-42', type: 'payment.updated', data: {} });
    const headers = { 'X-Square-Hmacsha256-Signature': b64('sq-key', source.notificationUrl!, body) };
    expect(keyOf(verify(square, source, body, headers, NOW, source.notificationUrl!))).toBe('e8c5-42');
  });

  it('standard webhooks and svix: the message id, which every resend keeps', () => {
    const sw = getProvider('standard-webhooks');
    const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const source: SourceConfig = { id: 'crm', provider: 'standard-webhooks', secret };
    const body = JSON.stringify({ type: 'contact.created', data: { id: 1 } });
    const signature = new Webhook(secret).sign('msg_2x', new Date(NOW), body);
    const ts = String(NOW / 1000);
    const std = { 'webhook-id': 'msg_2x', 'webhook-timestamp': ts, 'webhook-signature': signature };
    const svix = { 'svix-id': 'msg_2x', 'svix-timestamp': ts, 'svix-signature': signature };
    expect(keyOf(verify(sw, source, body, std, NOW))).toBe('msg_2x');
    expect(keyOf(verify(sw, source, body, svix, NOW))).toBe('msg_2x');
  });
});

describe('hmac: a configured id keeps its exact digits and its type', () => {
  const hmac = getProvider('hmac');
  const source: SourceConfig = {
    id: 'forms',
    provider: 'hmac',
    secret: 'form-secret',
    hmac: { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    eventType: { header: 'X-Event' },
    eventId: { jsonPath: '$.order.id' },
  };
  const send = (body: string, type = 'order.paid') =>
    verify(
      hmac,
      source,
      body,
      {
        'X-Signature': 'sha256=' + createHmac('sha256', 'form-secret').update(body).digest('hex'),
        'X-Event': type,
      },
      NOW,
    );

  it('two ids past 2^53 that JSON.parse rounds to one number stay two ids', () => {
    const a = send('{"order":{"id":9007199254740993}}');
    const b = send('{"order":{"id":9007199254740992}}');
    expect(a.providerEventId).toBe('9007199254740993');
    expect(b.providerEventId).toBe('9007199254740992');
    expect(keyOf(a)).toBe('order.paid | 9007199254740993');
    expect(keyOf(a)).not.toBe(keyOf(b));
  });

  it('keeps a number as written (1.10, 1e5) and a string id as it is', () => {
    expect(send('{"order":{"id":1.10}}').providerEventId).toBe('1.10');
    expect(send('{"order":{"id":1e5}}').providerEventId).toBe('1e5');
    expect(send('{"order":{"id":"ord_1"}}').providerEventId).toBe('ord_1');
  });

  it('the same id under another type is another event', () => {
    const body = '{"order":{"id":42}}';
    expect(keyOf(send(body, 'order.paid'))).not.toBe(keyOf(send(body, 'order.refunded')));
  });

  it('with no id configured, the body hash (receiver default) is the key', () => {
    const { eventId: _none, ...noId } = source;
    const body = '{"a":1}';
    const r = verify(
      hmac,
      noId,
      body,
      { 'X-Signature': 'sha256=' + createHmac('sha256', 'form-secret').update(body).digest('hex') },
      NOW,
    );
    expect(r).toMatchObject({ ok: true, providerEventId: null });
    expect(r.dedupeKey).toBeUndefined();
  });
});

describe('none: deduplicated by the body, a JSON-path type read exactly', () => {
  it('keys on the body SHA-256 (receiver default) and reads a numeric type as written', () => {
    const none = getProvider('none');
    const source: SourceConfig = { id: 'open', provider: 'none', eventType: { jsonPath: '$.kind' } };
    const r = verify(none, source, '{"kind":20.10}', {}, NOW);
    expect(r).toMatchObject({ ok: true, type: '20.10', providerEventId: null });
    expect(r.dedupeKey).toBeUndefined();
  });
});

describe('quoteJsonNumbers', () => {
  it('quotes numbers outside strings only, escapes and all', () => {
    expect(quoteJsonNumbers('{"a":-12.5e+3,"b":[1,2],"c":"x 3 \\"4\\" 5","d":true}')).toBe(
      '{"a":"-12.5e+3","b":["1","2"],"c":"x 3 \\"4\\" 5","d":true}',
    );
    expect(parseWithExactNumbers('\ufeff{"id":12345678901234567890}')).toEqual({ id: '12345678901234567890' });
    expect(parseWithExactNumbers('not json')).toBeUndefined();
  });
});
