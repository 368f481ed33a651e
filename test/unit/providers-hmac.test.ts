// Shopify, WooCommerce, Square (hand-computed per each provider's documented
// recipe), the configurable hmac provider, unsigned sources, and every sample.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../shared/config';
import { PROVIDERS } from '../../shared/types';
import { sampleSources } from '../helpers/sources';
import { allProviders, getProvider } from '../../electron/engine/receiver/providers';
import { URL_BASE, verify } from './providers-helpers';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const NOW = 1_780_000_000_000;
const b64 = (alg: string, key: string, data: string) => createHmac(alg, key).update(data, 'utf8').digest('base64');
const hex = (alg: string, key: string, data: string) => createHmac(alg, key).update(data, 'utf8').digest('hex');

/** Headers of a sender that signs the body with a base64 HMAC-SHA256 in one header (Shopify, WooCommerce). */
const bodyHmacHeaders =
  (signatureHeader: string, source: SourceConfig, body: string, fixed: Record<string, string>) =>
  (data = body, key = source.secret!): Record<string, string> => ({
    ...fixed,
    [signatureHeader]: b64('sha256', key, data),
  });

describe('shopify', () => {
  const shopify = getProvider('shopify');
  const source: SourceConfig = { id: 'shop', provider: 'shopify', secret: 'shpss_secret' };
  const body = JSON.stringify({ id: 820982911946154500, name: '#1042', total_price: '59.00', currency: 'USD' });
  const headers = bodyHmacHeaders('X-Shopify-Hmac-Sha256', source, body, {
    'X-Shopify-Topic': 'orders/create',
    'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
  });

  it('accepts; type from the topic, id from X-Shopify-Event-Id', () => {
    expect(verify(shopify, source, body, headers(), NOW)).toEqual({
      ok: true,
      reason: null,
      type: 'orders/create',
      providerEventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      dedupeKey: `orders/create | 98880550-7158-44d4-b7cd-2c97c8a091b5 | sha256:${sha256(body)}`,
      // The order id past 2^53 keeps its exact digits (issue #14: a recovered copy meets it on this key).
      resourceKey: 'shopify:orders/create:820982911946154500',
    });
  });

  it('falls back to X-Shopify-Webhook-Id for the id', () => {
    const h = headers();
    delete h['X-Shopify-Event-Id'];
    expect(verify(shopify, source, body, h, NOW).providerEventId).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
  });

  it('rejects tampered body, wrong secret, missing header (still reading the topic)', () => {
    expect(verify(shopify, source, body.replace('59', '5'), headers(), NOW).ok).toBe(false);
    expect(verify(shopify, source, body, headers(body, 'other'), NOW).reason).toContain(
      'The Shopify signature did not match',
    );
    const h = headers();
    delete h['X-Shopify-Hmac-Sha256'];
    const r = verify(shopify, source, body, h, NOW);
    expect(r.reason).toContain('missing header X-Shopify-Hmac-Sha256');
    expect(r.type).toBe('orders/create');
  });

  it('rejects a hex digest where base64 is expected', () => {
    expect(
      verify(shopify, source, body, { ...headers(), 'X-Shopify-Hmac-Sha256': hex('sha256', source.secret!, body) }, NOW)
        .ok,
    ).toBe(false);
  });
});

describe('woocommerce', () => {
  const woo = getProvider('woocommerce');
  const source: SourceConfig = { id: 'store', provider: 'woocommerce', secret: 'wc-secret' };
  const body = JSON.stringify({ id: 73, number: '1042', total: '59.00', currency: 'EUR' });
  const headers = bodyHmacHeaders('X-WC-Webhook-Signature', source, body, {
    'X-WC-Webhook-Topic': 'order.created',
    'X-WC-Webhook-Delivery-ID': '4821',
  });

  it('accepts; type from the topic, id from the delivery id', () => {
    expect(verify(woo, source, body, headers(), NOW)).toEqual({
      ok: true,
      reason: null,
      type: 'order.created',
      providerEventId: '4821',
      dedupeKey: `4821 | order.created | sha256:${sha256(body)}`,
      resourceKey: 'woocommerce:order.created:73',
    });
  });

  it('rejects tampered body, wrong secret and missing header', () => {
    expect(verify(woo, source, body + '\n', headers(), NOW).ok).toBe(false);
    expect(verify(woo, source, body, headers(body, 'nope'), NOW).ok).toBe(false);
    expect(verify(woo, source, body, { 'X-WC-Webhook-Topic': 'order.created' }, NOW).reason).toContain(
      'missing header X-WC-Webhook-Signature',
    );
  });

  it('answers the unsigned save-time ping with acknowledge, never ok', () => {
    const r = verify(woo, source, 'webhook_id=15', { 'content-type': 'application/x-www-form-urlencoded' }, NOW);
    expect(r).toMatchObject({ ok: false, acknowledge: true, type: 'ping' });
    expect(verify(woo, source, 'webhook_id=15&x=1', {}, NOW).acknowledge).toBeUndefined();
  });
});

describe('square', () => {
  const square = getProvider('square');
  const source: SourceConfig = { id: 'pos', provider: 'square', secret: 'sq-signature-key' };
  const url = URL_BASE + 'pos';
  const body = JSON.stringify({ type: 'payment.created', event_id: '6a8f5f28-54a1-4eb0-a98a-3111513fd4fc', data: {} });
  const headers = (data = body, key = source.secret!, signedUrl = url) => ({
    'X-Square-Hmacsha256-Signature': b64('sha256', key, signedUrl + data),
  });

  it('accepts a signature over URL + body; type and event_id from the body', () => {
    expect(verify(square, source, body, headers(), NOW, url)).toEqual({
      ok: true,
      reason: null,
      type: 'payment.created',
      providerEventId: '6a8f5f28-54a1-4eb0-a98a-3111513fd4fc',
    });
  });

  it('rejects a signature made for another URL, naming the URL it checked', () => {
    const r = verify(square, source, body, headers(body, source.secret, 'https://old.ngrok.app/hooks/pos'), NOW, url);
    expect(r.ok).toBe(false);
    expect(r.reason).toContain(url);
  });

  it('rejects tampered body, wrong key, missing header', () => {
    expect(verify(square, source, body.replace('created', 'updated'), headers(), NOW, url).ok).toBe(false);
    expect(verify(square, source, body, headers(body, 'k2'), NOW, url).ok).toBe(false);
    expect(verify(square, source, body, {}, NOW, url).reason).toContain('missing header X-Square-Hmacsha256-Signature');
  });
});

describe('hmac (configurable)', () => {
  const provider = getProvider('hmac');
  const body = JSON.stringify({ event: { name: 'form.submitted', id: 'sub_77' }, email: 'jane@example.com' });
  const base = (hmac: Partial<NonNullable<SourceConfig['hmac']>>, extra: Partial<SourceConfig> = {}): SourceConfig => ({
    id: 'forms',
    provider: 'hmac',
    secret: 'form-secret',
    hmac: { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: '', ...hmac },
    ...extra,
  });

  const cases = [
    { alg: 'sha256', enc: 'hex', prefix: 'sha256=' },
    { alg: 'sha256', enc: 'base64', prefix: '' },
    { alg: 'sha1', enc: 'hex', prefix: 'sha1=' },
    { alg: 'sha512', enc: 'base64', prefix: 'v1=' },
    { alg: 'sha512', enc: 'hex', prefix: '' },
  ] as const;
  for (const c of cases) {
    it(`verifies ${c.alg}/${c.enc} with prefix "${c.prefix}", and rejects tampering`, () => {
      const source = base({ algorithm: c.alg, encoding: c.enc, prefix: c.prefix });
      const digest = c.enc === 'hex' ? hex(c.alg, 'form-secret', body) : b64(c.alg, 'form-secret', body);
      expect(verify(provider, source, body, { 'X-Signature': c.prefix + digest }, NOW).ok).toBe(true);
      expect(verify(provider, source, body + ' ', { 'X-Signature': c.prefix + digest }, NOW).ok).toBe(false);
      const wrong = c.enc === 'hex' ? hex(c.alg, 'other', body) : b64(c.alg, 'other', body);
      expect(verify(provider, source, body, { 'X-Signature': c.prefix + wrong }, NOW).ok).toBe(false);
    });
  }

  it('accepts an upper-case hex digest, rejects a missing prefix and a missing header', () => {
    const source = base({ prefix: 'sha256=' });
    const digest = hex('sha256', 'form-secret', body);
    expect(verify(provider, source, body, { 'X-Signature': 'sha256=' + digest.toUpperCase() }, NOW).ok).toBe(true);
    expect(verify(provider, source, body, { 'X-Signature': digest }, NOW).reason).toContain(
      'does not start with "sha256="',
    );
    expect(verify(provider, source, body, {}, NOW).reason).toContain('missing header X-Signature');
  });

  it('reads type and id with jsonPath extractors, or from headers', () => {
    const sig = { 'X-Signature': hex('sha256', 'form-secret', body) };
    const byPath = base({}, { eventType: { jsonPath: '$.event.name' }, eventId: { jsonPath: '$.event.id' } });
    expect(verify(provider, byPath, body, sig, NOW)).toMatchObject({
      ok: true,
      type: 'form.submitted',
      providerEventId: 'sub_77',
    });
    const byHeader = base({}, { eventType: { header: 'X-Event' }, eventId: { header: 'X-Delivery' } });
    expect(verify(provider, byHeader, body, { ...sig, 'X-Event': 'lead.new', 'X-Delivery': 'd-1' }, NOW)).toMatchObject(
      {
        type: 'lead.new',
        providerEventId: 'd-1',
      },
    );
    // Without extractors: "unknown" type, and null id (the receiver then uses the body's SHA-256).
    expect(verify(provider, base({}), body, sig, NOW)).toMatchObject({ type: 'unknown', providerEventId: null });
    // Rejected requests still name their type.
    expect(verify(provider, byPath, body, { 'X-Signature': '00' }, NOW)).toMatchObject({
      ok: false,
      type: 'form.submitted',
    });
  });
});

describe('none (unsigned)', () => {
  const provider = getProvider('none');
  it('accepts anything with a warning; type from its extractor, else unknown; id null', () => {
    const source: SourceConfig = { id: 'open', provider: 'none', eventType: { jsonPath: '$.kind' } };
    const r = verify(provider, source, '{"kind":"ping"}', {}, NOW);
    expect(r).toMatchObject({ ok: true, type: 'ping', providerEventId: null });
    expect(r.reason).toMatch(/^This source is not signed/);
    expect(verify(provider, { id: 'open', provider: 'none' }, 'a=1&b=2', {}, NOW).type).toBe('unknown');
  });
});

describe('every provider', () => {
  // The shared sources, with the generic providers set to the less common options
  // (sha512, base64, a nested id path; a type path on the unsigned source).
  const sources = sampleSources().map((source): SourceConfig => {
    if (source.provider === 'hmac') {
      return {
        ...source,
        hmac: { header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=' },
        eventType: { header: 'X-Kind' },
        eventId: { jsonPath: '$.meta.delivery' },
      };
    }
    return source.provider === 'none' ? { ...source, eventType: { jsonPath: '$.type' } } : source;
  });

  it('is registered under its id, once', () => {
    expect(
      allProviders()
        .map((p) => p.id)
        .sort(),
    ).toEqual([...PROVIDERS].sort());
    for (const id of PROVIDERS) expect(getProvider(id).id).toBe(id);
  });

  for (const source of sources) {
    it(`${source.provider}: sample() verifies with its own verify(), has a known type, and fails with another secret`, () => {
      const provider = getProvider(source.provider);
      const url = URL_BASE + source.id;
      const s = provider.sample(source, url, NOW);
      expect(() => JSON.parse(s.body)).not.toThrow();
      const r = verify(provider, source, s.body, s.headers, NOW, url);
      expect(r.ok).toBe(true);
      expect(r.type).not.toBe('unknown');
      if (source.provider !== 'none') {
        expect(
          verify(
            provider,
            { ...source, secret: 'whsec_' + Buffer.from('different').toString('base64') },
            s.body,
            s.headers,
            NOW,
            url,
          ).ok,
        ).toBe(false);
      }
      // Each sample is a new event: a second one is not a duplicate of the first.
      const s2 = provider.sample(source, url, NOW);
      const r2 = verify(provider, source, s2.body, s2.headers, NOW, url);
      expect(r2.ok).toBe(true);
      if (r.providerEventId !== null) expect(r2.providerEventId).not.toBe(r.providerEventId);
      else expect(s2.body).not.toBe(s.body);
    });
  }
});
