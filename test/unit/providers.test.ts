// Stripe, Standard Webhooks and GitHub, checked against the providers' own signing code.
import { createHash } from 'node:crypto';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../shared/config';
import { getProvider } from '../../electron/engine/receiver/providers';
import { verify } from './providers-helpers';

const NOW = 1_780_000_000_000;
const NOW_SEC = NOW / 1000;

describe('stripe', () => {
  const stripe = getProvider('stripe');
  const source: SourceConfig = { id: 'payments', provider: 'stripe', secret: 'whsec_test_secret_123' };
  const sdk = new Stripe('sk_test_x');
  const body = JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type: 'charge.refunded',
    data: { object: { id: 'ch_1' } },
  });
  const signed = (payload = body, secret = source.secret!, timestamp = NOW_SEC) => ({
    'Stripe-Signature': sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
  });

  it('accepts a request signed by the Stripe SDK, with type and id from the body', () => {
    expect(verify(stripe, source, body, signed(), NOW)).toEqual({
      ok: true,
      reason: null,
      type: 'charge.refunded',
      providerEventId: 'evt_1',
    });
  });

  it('rejects a tampered body, naming the source and the secret to check', () => {
    const r = verify(stripe, source, body.replace('ch_1', 'ch_2'), signed(), NOW);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe(
      'The Stripe signature did not match: check the signing secret (whsec_...) of source "payments" in Hookdock.',
    );
    expect(r.type).toBe('charge.refunded');
    expect(r.providerEventId).toBe('evt_1');
  });

  it('rejects a wrong secret', () => {
    expect(verify(stripe, source, body, signed(body, 'whsec_other'), NOW).ok).toBe(false);
  });

  it('rejects a stale timestamp and a future one, saying by how much', () => {
    const old = verify(stripe, source, body, signed(body, source.secret, NOW_SEC - 412), NOW);
    expect(old.ok).toBe(false);
    expect(old.reason).toContain('timestamp is 412 s old (limit 300 s)');
    const future = verify(stripe, source, body, signed(body, source.secret, NOW_SEC + 400), NOW);
    expect(future.reason).toContain('400 s in the future');
    expect(verify(stripe, source, body, signed(body, source.secret, NOW_SEC - 299), NOW).ok).toBe(true);
  });

  it('accepts when any of several v1 signatures matches (secret rolling)', () => {
    const good = signed()['Stripe-Signature'];
    const v1 = good.split(',v1=')[1];
    const header = `t=${NOW_SEC},v1=${'0'.repeat(64)},v1=${v1},v0=abc`;
    expect(verify(stripe, source, body, { 'Stripe-Signature': header }, NOW).ok).toBe(true);
  });

  it('rejects a missing header and a header without v1', () => {
    expect(verify(stripe, source, body, {}, NOW).reason).toContain('missing header Stripe-Signature');
    const r = verify(stripe, source, body, { 'Stripe-Signature': `t=${NOW_SEC}` }, NOW);
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('no v1= signature');
  });

  it('makes a sample that its own verify and the Stripe SDK accept', () => {
    const s = stripe.sample(source, 'http://x/hooks/payments', NOW);
    expect(verify(stripe, source, s.body, s.headers, NOW)).toMatchObject({ ok: true, type: 'charge.refunded' });
    const event = sdk.webhooks.constructEvent(s.body, s.headers['stripe-signature'], source.secret!, 1e9);
    expect(event.type).toBe('charge.refunded');
  });
});

describe('standard-webhooks', () => {
  const sw = getProvider('standard-webhooks');
  const secret = 'whsec_' + Buffer.from('a 24-byte signing secret').toString('base64');
  const source: SourceConfig = { id: 'crm', provider: 'standard-webhooks', secret };
  const body = JSON.stringify({
    type: 'customer.created',
    timestamp: '2026-01-01T00:00:00Z',
    data: { email: 'jane@example.com' },
  });
  const signed = (payload = body, key = secret, ts = NOW, id = 'msg_2Lx') => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(ts / 1000)),
    'webhook-signature': new Webhook(key).sign(id, new Date(ts), payload),
  });

  it('accepts a request signed by the standardwebhooks library', () => {
    expect(verify(sw, source, body, signed(), NOW)).toEqual({
      ok: true,
      reason: null,
      type: 'customer.created',
      providerEventId: 'msg_2Lx',
    });
  });

  it('rejects a tampered body, a wrong secret, and a changed webhook-id', () => {
    expect(verify(sw, source, body + ' ', signed(), NOW).reason).toContain('signature did not match');
    const other = 'whsec_' + Buffer.from('another secret entirely').toString('base64');
    expect(verify(sw, source, body, signed(body, other), NOW).ok).toBe(false);
    expect(verify(sw, source, body, { ...signed(), 'webhook-id': 'msg_other' }, NOW).ok).toBe(false);
  });

  it('rejects a stale timestamp', () => {
    const r = verify(sw, source, body, signed(body, secret, NOW - 412_000), NOW);
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('412 s old (limit 300 s)');
  });

  it('finds the matching entry among several space-separated signatures', () => {
    const h = signed();
    h['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} v1a,abc ${h['webhook-signature']}`;
    expect(verify(sw, source, body, h, NOW).ok).toBe(true);
  });

  it('rejects each missing header by name', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const h: Record<string, string> = signed();
      delete h[name];
      expect(verify(sw, source, body, h, NOW).reason).toContain(`missing header ${name}`);
    }
  });

  it('makes a sample the standardwebhooks library verifies', () => {
    const s = sw.sample(source, 'http://x', Date.now());
    expect(verify(sw, source, s.body, s.headers, Date.now()).ok).toBe(true);
    expect(new Webhook(secret).verify(s.body, s.headers)).toMatchObject({ type: 'customer.created' });
  });
});

describe('github', () => {
  const gh = getProvider('github');
  const source: SourceConfig = { id: 'repo', provider: 'github', secret: 'gh-secret-1' };
  const body = JSON.stringify({ action: 'opened', number: 12, pull_request: { title: 'Fix' } });
  const headers = async (payload = body, secret = source.secret!) => ({
    'X-GitHub-Event': 'pull_request',
    'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'X-Hub-Signature-256': await githubSign(secret, payload),
  });

  it('accepts a request signed by @octokit/webhooks-methods; type has the action', async () => {
    expect(verify(gh, source, body, await headers(), NOW)).toEqual({
      ok: true,
      reason: null,
      type: 'pull_request.opened',
      providerEventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      // No X-GitHub-Hook-ID: the GUID is shared by every hook of the event, so the body tells them apart.
      dedupeKey: `72d3162e-cc78-11e3-81ab-4c9367dc0958 | sha256:${createHash('sha256').update(body).digest('hex')}`,
    });
  });

  it('uses the bare event name when the body has no action', async () => {
    const push = JSON.stringify({ ref: 'refs/heads/main' });
    const h = { ...(await headers(push)), 'X-GitHub-Event': 'push' };
    expect(verify(gh, source, push, h, NOW).type).toBe('push');
  });

  it('rejects a tampered body, a wrong secret, a missing header and a sha1-only signature', async () => {
    expect(verify(gh, source, body.replace('Fix', 'Fox'), await headers(), NOW).reason).toBe(
      'The GitHub signature did not match: check the webhook secret of source "repo" in Hookdock.',
    );
    expect(verify(gh, source, body, await headers(body, 'wrong'), NOW).ok).toBe(false);
    const missing = verify(gh, source, body, { 'X-GitHub-Event': 'pull_request' }, NOW);
    expect(missing.reason).toContain('missing header X-Hub-Signature-256');
    expect(missing.type).toBe('pull_request.opened');
    const h = await headers();
    expect(
      verify(
        gh,
        source,
        body,
        { ...h, 'X-Hub-Signature-256': h['X-Hub-Signature-256'].replace('sha256=', 'sha1=') },
        NOW,
      ).ok,
    ).toBe(false);
  });

  it('makes a push sample that verifies', async () => {
    const s = gh.sample(source, 'http://x', NOW);
    expect(verify(gh, source, s.body, s.headers, NOW)).toMatchObject({ ok: true, type: 'push' });
    expect(s.headers['x-hub-signature-256']).toBe(await githubSign(source.secret!, s.body));
  });
});
