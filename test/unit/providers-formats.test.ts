// Issue #10 kinds 2 and 3: the signature is checked over what the provider
// signed (Square: the URL it posted to, as received), and every documented
// delivery format and header family is accepted and read from the right place.
import { createHmac } from 'node:crypto';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../shared/config';
import { parseDelivery } from '../../electron/engine/receiver/formats';
import { getProvider } from '../../electron/engine/receiver/providers';
import { LEGACY_SHA1_WARNING } from '../../electron/engine/receiver/providers/github';
import { signedUrls } from '../../electron/engine/receiver/signed-url';

const NOW = 1_780_000_000_000;

describe('signedUrls: the URL a request was sent to', () => {
  const pos = { id: 'pos', notificationUrl: 'https://my.domain/hooks/pos' };

  it("keeps the received path and query, on the notificationUrl's origin; the configured URL is also tried", () => {
    expect(signedUrls(pos, '/hooks/pos/', 'https://abc.ngrok.app')).toEqual({
      url: 'https://my.domain/hooks/pos/',
      otherUrls: ['https://abc.ngrok.app/hooks/pos/', 'https://my.domain/hooks/pos'],
    });
    expect(signedUrls(pos, '/hooks/pos?shop=7&x=%20', 'https://abc.ngrok.app').url).toBe(
      'https://my.domain/hooks/pos?shop=7&x=%20',
    );
  });

  it('without notificationUrl: the public URL origin and its /hooks/<id>', () => {
    expect(signedUrls({ id: 'pos' }, '/hooks/pos', 'https://abc.ngrok.app/')).toEqual({
      url: 'https://abc.ngrok.app/hooks/pos',
      otherUrls: [],
    });
  });
});

describe('square: signed over the URL as received', () => {
  const square = getProvider('square');
  const source: SourceConfig = {
    id: 'pos',
    provider: 'square',
    secret: 'sq-key',
    notificationUrl: 'https://my.domain/hooks/pos/',
  };
  const body = JSON.stringify({ event_id: 'e-1', type: 'payment.updated', data: {} });
  const check = (signedUrl: string, receivedPath: string) => {
    const signature = createHmac('sha256', 'sq-key').update(signedUrl).update(body).digest('base64');
    const urls = signedUrls(source, receivedPath, 'https://abc.ngrok.app');
    return square.verify(
      {
        rawBody: Buffer.from(body),
        headers: { 'x-square-hmacsha256-signature': signature },
        source,
        now: NOW,
        ...urls,
      },
      JSON.parse(body),
    );
  };

  it('accepts a subscription URL with a trailing slash, and one with a query string', () => {
    expect(check('https://my.domain/hooks/pos/', '/hooks/pos/')).toMatchObject({ ok: true, providerEventId: 'e-1' });
    expect(check('https://my.domain/hooks/pos?shop=7', '/hooks/pos?shop=7')).toMatchObject({ ok: true });
  });

  it('rejects a signature over another path or query, naming the URL it checked', () => {
    const r = check('https://my.domain/hooks/pos?shop=8', '/hooks/pos?shop=7');
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('https://my.domain/hooks/pos?shop=7');
    expect(r.reason).not.toContain('sq-key');
  });
});

describe('github: form deliveries and the legacy SHA-1 header', () => {
  const gh = getProvider('github');
  const source: SourceConfig = { id: 'repo', provider: 'github', secret: 'gh-secret' };
  const json = JSON.stringify({ action: 'opened', issue: { number: 7, title: 'Refund & “café”' } });
  const form = 'payload=' + encodeURIComponent(json);
  const formType = 'application/x-www-form-urlencoded';
  const run = (body: string, headers: Record<string, string>, contentType = formType) => {
    const raw = Buffer.from(body);
    const parsed = parseDelivery(gh, raw, contentType);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return { parsed, result: gh.verify({ rawBody: raw, headers: lower, source, url: 'x', now: NOW }, parsed.payload) };
  };

  it('verifies a form delivery over its raw bytes and reads the payload from the payload field', async () => {
    const { parsed, result } = run(form, {
      'X-GitHub-Event': 'issues',
      'X-GitHub-Delivery': 'g-1',
      'X-Hub-Signature-256': await githubSign(source.secret!, form),
    });
    expect(parsed).toEqual({ body: { text: form }, payload: JSON.parse(json), json: true, documented: true });
    expect(result).toMatchObject({ ok: true, reason: null, type: 'issues.opened', providerEventId: 'g-1' });
  });

  it('a form without a JSON payload field is not JSON (the receiver answers 400); JSON bodies are unchanged', () => {
    expect(parseDelivery(gh, Buffer.from('other=1'), formType).documented).toBe(false);
    expect(parseDelivery(gh, Buffer.from('payload=%7Bnot'), formType).documented).toBe(false);
    expect(parseDelivery(gh, Buffer.from(form), 'text/plain').documented).toBe(false);
    expect(parseDelivery(gh, Buffer.from(json), 'application/json')).toMatchObject({
      json: true,
      payload: JSON.parse(json),
    });
    // A provider without a form field never reads one.
    expect(parseDelivery(getProvider('shopify'), Buffer.from(form), formType).documented).toBe(false);
  });

  it('accepts X-Hub-Signature sha1 only when X-Hub-Signature-256 is absent, with a warning', () => {
    const sha1 = 'sha1=' + createHmac('sha1', 'gh-secret').update(form).digest('hex');
    const base = { 'X-GitHub-Event': 'issues', 'X-GitHub-Delivery': 'g-2' };
    expect(run(form, { ...base, 'X-Hub-Signature': sha1 }).result).toMatchObject({
      ok: true,
      reason: LEGACY_SHA1_WARNING,
      type: 'issues.opened',
    });
    const wrong = 'sha1=' + createHmac('sha1', 'other').update(form).digest('hex');
    expect(run(form, { ...base, 'X-Hub-Signature': wrong }).result.ok).toBe(false);
    // A bad SHA-256 header is never rescued by a good SHA-1 one.
    const badSha256 = { ...base, 'X-Hub-Signature': sha1, 'X-Hub-Signature-256': 'sha256=' + '0'.repeat(64) };
    expect(run(form, badSha256).result.ok).toBe(false);
  });
});

describe('shopify: XML subscriptions', () => {
  const shopify = getProvider('shopify');
  const source: SourceConfig = { id: 'shop', provider: 'shopify', secret: 'shop-secret' };
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<order><id type="integer">820982911946154508</id></order>';

  it('accepts an XML body (documented format), verified over its bytes, the text as payload', () => {
    const parsed = parseDelivery(shopify, Buffer.from(xml), 'application/xml; charset=utf-8');
    expect(parsed).toEqual({ body: { text: xml }, payload: xml, json: false, documented: true });
    const r = shopify.verify(
      {
        rawBody: Buffer.from(xml),
        headers: {
          'x-shopify-hmac-sha256': createHmac('sha256', 'shop-secret').update(xml).digest('base64'),
          'x-shopify-topic': 'orders/create',
          'x-shopify-event-id': 'ev-x',
        },
        source,
        url: 'x',
        now: NOW,
      },
      parsed.payload,
    );
    expect(r).toMatchObject({ ok: true, type: 'orders/create', providerEventId: 'ev-x' });
  });

  it('accepts the Shopify-* header family (Events deliveries) without X-, never mixing families', () => {
    const body = JSON.stringify({ topic: 'Product', action: 'update', id: 'gid://shopify/Product/1' });
    const hmac = createHmac('sha256', 'shop-secret').update(body).digest('base64');
    const check = (headers: Record<string, string>) =>
      shopify.verify({ rawBody: Buffer.from(body), headers, source, url: 'x', now: NOW }, JSON.parse(body));
    expect(
      check({ 'shopify-hmac-sha256': hmac, 'shopify-topic': 'products/update', 'shopify-webhook-id': 'wh-1' }),
    ).toMatchObject({ ok: true, type: 'products/update', providerEventId: 'wh-1' });
    // A bad X- signature is not rescued by a good unprefixed one.
    expect(check({ 'x-shopify-hmac-sha256': 'AAAA', 'shopify-hmac-sha256': hmac }).ok).toBe(false);
  });

  it('other providers and other text stay refused as not JSON', () => {
    expect(parseDelivery(getProvider('stripe'), Buffer.from(xml), 'application/xml').documented).toBe(false);
    expect(parseDelivery(shopify, Buffer.from(xml), 'text/plain').documented).toBe(false);
  });
});

describe('standard webhooks: the svix-* header family', () => {
  const sw = getProvider('standard-webhooks');
  const secret = 'whsec_' + Buffer.from('svix-test-key-0123456789abcdef').toString('base64');
  const source: SourceConfig = { id: 'crm', provider: 'standard-webhooks', secret };
  const body = JSON.stringify({ type: 'email.sent', data: { id: 'em_1' } });
  const headers = (over: Record<string, string> = {}) => ({
    'svix-id': 'msg_1',
    'svix-timestamp': String(NOW / 1000),
    'svix-signature': new Webhook(secret).sign('msg_1', new Date(NOW), body),
    ...over,
  });
  const check = (h: Record<string, string>) =>
    sw.verify({ rawBody: Buffer.from(body), headers: h, source, url: 'x', now: NOW }, JSON.parse(body));

  it('accepts svix-id/svix-timestamp/svix-signature as Svix senders send them', () => {
    expect(check(headers())).toMatchObject({ ok: true, type: 'email.sent', providerEventId: 'msg_1' });
  });

  it('checks them like webhook-*: a changed id or a stale timestamp is refused, a missing one named', () => {
    expect(check(headers({ 'svix-id': 'msg_2' })).ok).toBe(false);
    const old = NOW - 3_600_000;
    const stale = headers({
      'svix-timestamp': String(old / 1000),
      'svix-signature': new Webhook(secret).sign('msg_1', new Date(old), body),
    });
    expect(check(stale).reason).toBe(
      "The svix-timestamp timestamp is 3600 s old (limit 300 s): the request may be a replay, or this computer's clock is wrong.",
    );
    const { 'svix-id': _id, ...noId } = headers();
    expect(check(noId).reason).toContain('missing header svix-id');
  });
});

describe('stripe: several v1 entries while a secret is rolled', () => {
  it('accepts the header Stripe sends during rotation (old and new secret), with either as the source secret', () => {
    const stripe = getProvider('stripe');
    const payload = JSON.stringify({ id: 'evt_9', object: 'event', type: 'invoice.paid' });
    const sdk = new Stripe('sk_test_x');
    const t = NOW / 1000;
    const v1 = (secret: string) =>
      sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp: t }).split(',v1=')[1];
    const header = `t=${t},v1=${v1('whsec_old')},v1=${v1('whsec_new')}`;
    for (const secret of ['whsec_old', 'whsec_new']) {
      const source: SourceConfig = { id: 'payments', provider: 'stripe', secret };
      const r = stripe.verify(
        { rawBody: Buffer.from(payload), headers: { 'stripe-signature': header }, source, url: 'x', now: NOW },
        JSON.parse(payload),
      );
      expect(r).toMatchObject({ ok: true, type: 'invoice.paid', providerEventId: 'evt_9' });
    }
  });
});
