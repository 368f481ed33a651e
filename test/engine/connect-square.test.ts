// The Square connector against a fake Square API on port 0 (test/helpers/fake-square.ts): the
// webhook subscription's life, errors as sentences without the token, rate limits, and recovery
// through the Events API into notifications the receiver's Square provider reads like the real ones.
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../shared/config';
import { SQUARE_SANDBOX_API_BASE, squareApiBase } from '../../electron/engine/connect/square-api';
import { createSquareConnector, squareSourceFields } from '../../electron/engine/connect/square';
import type { RecoveredDelivery } from '../../electron/engine/connect/types';
import { connectFailure, contextMaker, fakeApiPerTest, HOUR } from '../helpers/connect';
import { buildEvent, parseBody } from '../../electron/engine/receiver/event';
import { square } from '../../electron/engine/receiver/providers/square';
import { hmac } from '../../electron/engine/receiver/providers/util';
import { FAKE_MERCHANT, startFakeSquare, type FakeSquare } from '../helpers/fake-square';
import { openStore, tempDir } from './store-helpers';

const TOKEN = 'EAAAl-personal-access-token-0123456789';
const URL_ = 'https://me.ngrok.app/hooks/pos';

let sq: FakeSquare;
let now: number;
const connector = () => createSquareConnector({ now: () => now });
const ctx = contextMaker(() => ({ apiBase: sq.baseUrl, credential: TOKEN, fetch }));
/** Expects a ConnectError that does not quote the token. */
const failure = (p: Promise<unknown>) => connectFailure(p, TOKEN);

const paymentData = (id: string, amount: number | string) =>
  `{"type":"payment","id":"${id}","object":{"payment":{"id":"${id}","amount_money":{"amount":${amount},"currency":"USD"},"status":"COMPLETED","buyer_email_address":"jane@example.com"}}}`;

fakeApiPerTest(startFakeSquare, (api) => {
  sq = api;
  sq.tokens.set(TOKEN, { missingScopes: [] });
  now = Date.now();
});

describe('Square connector: the subscription', () => {
  it("creates it with the URL and event types, returns Square's signature key, and enables event search", async () => {
    const { subscription, secret } = await connector().create(ctx(), {
      url: URL_,
      events: ['payment.created', 'refund.created'],
      secret: 'not-used-by-square',
    });
    const stored = sq.subscriptions.get(subscription.id)!;
    expect(subscription).toEqual({
      id: stored.id,
      url: URL_,
      events: ['payment.created', 'refund.created'],
      enabled: true,
    });
    expect(secret).toBe(stored.signature_key);
    expect(stored.api_version).toBe('2025-01-23');
    expect(stored.name).toBe('Hookdock /hooks/pos');
    const sent = sq.requests.find((r) => r.path === '/v2/webhooks/subscriptions')!;
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['square-version']).toBe('2025-01-23');
    expect((sent.body as { idempotency_key: string }).idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sq.eventsEnabled).toBe(true);
    expect(squareSourceFields(subscription)).toEqual({ notificationUrl: URL_ });
  });

  it('refuses an http:// address before asking Square (Square posts only to https)', async () => {
    const err = await failure(
      connector().create(ctx(), { url: 'http://127.0.0.1:8787/hooks/pos', events: ['payment.created'], secret: 'x' }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('https://');
    expect(sq.requests).toHaveLength(0);
  });

  it('get: deleted is null, disabled is enabled: false; update changes URL, types and enabled; delete twice is fine', async () => {
    const c = connector();
    const { subscription, secret } = await c.create(ctx(), { url: URL_, events: ['payment.created'], secret: '' });
    sq.subscriptions.get(subscription.id)!.enabled = false;
    expect(await c.get(ctx(), subscription.id)).toEqual({ ...subscription, enabled: false });
    const updated = await c.update(ctx(), subscription.id, {
      url: 'https://new.ngrok.app/hooks/pos',
      events: ['payment.updated'],
      enabled: true,
    });
    expect(updated).toEqual({
      id: subscription.id,
      url: 'https://new.ngrok.app/hooks/pos',
      events: ['payment.updated'],
      enabled: true,
    });
    expect(sq.subscriptions.get(subscription.id)!.signature_key).toBe(secret);
    await c.delete(ctx(), subscription.id);
    expect(await c.get(ctx(), subscription.id)).toBeNull();
    await expect(c.delete(ctx(), subscription.id)).resolves.toBeUndefined();
    expect((await failure(c.update(ctx(), subscription.id, { enabled: true }))).kind).toBe('not-found');
  });

  it('"sandbox" as the account calls Square\'s sandbox host; an override base is kept', () => {
    expect(squareApiBase({ apiBase: 'https://connect.squareup.com', credential: 'x', account: 'sandbox', fetch })).toBe(
      SQUARE_SANDBOX_API_BASE,
    );
    expect(squareApiBase({ apiBase: 'https://connect.squareup.com', credential: 'x', fetch })).toBe(
      'https://connect.squareup.com',
    );
    expect(squareApiBase({ apiBase: sq.baseUrl, credential: 'x', account: 'sandbox', fetch })).toBe(sq.baseUrl);
  });
});

describe('Square connector: errors the owner can act on', () => {
  const req = { url: URL_, events: ['payment.created'], secret: '' };

  it('a bad token: the auth sentence, without the token', async () => {
    const err = await failure(connector().create(ctx({ credential: 'EAAAl-wrong-token-987654321' }), req));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Square refused the access token: /);
    expect(err.message).not.toContain('EAAAl-wrong-token-987654321');
  });

  it('INSUFFICIENT_SCOPES: forbidden, naming the permission', async () => {
    sq.tokens.set(TOKEN, { missingScopes: ['PAYMENTS_READ'] });
    const err = await failure(connector().create(ctx(), req));
    expect(err.kind).toBe('forbidden');
    expect(err.message).toContain('PAYMENTS_READ');
    expect(err.message).toContain('personal access token');
  });

  it('RATE_LIMITED: rate-limited for Retry-After, or a minute when Square names no time', async () => {
    sq.rateLimitNext(20);
    const withHeader = await failure(connector().get(ctx(), 'wbhk_1'));
    expect(withHeader.kind).toBe('rate-limited');
    expect(withHeader.retryAfterMs).toBe(20_000);
    sq.rateLimitNext();
    const without = await failure(connector().create(ctx(), req));
    expect(without.kind).toBe('rate-limited');
    expect(without.retryAfterMs).toBe(60_000);
  });

  it('an account that is neither empty, production nor sandbox: invalid', async () => {
    const err = await failure(connector().get(ctx({ account: 'my-shop' }), 'wbhk_1'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('"sandbox"');
  });
});

describe('Square connector: recovery through the Events API', () => {
  async function connected() {
    const c = connector();
    const { subscription, secret } = await c.create(ctx(), { url: URL_, events: ['payment.created'], secret: '' });
    expect(secret).toBeTruthy();
    return { c, sub: subscription, signatureKey: secret ?? '' };
  }
  const source = (signatureKey: string): SourceConfig => ({
    id: 'pos',
    provider: 'square',
    secret: signatureKey,
    notificationUrl: URL_,
  });
  /** The event the store would keep for a request, as the receiver builds it (its key is dedupeKey ?? providerEventId). */
  const stored = (src: SourceConfig, d: RecoveredDelivery) => {
    const raw = Buffer.from(d.body);
    const parsed = parseBody(raw);
    const result = square.verify({ rawBody: raw, headers: d.headers, source: src, url: URL_, now }, parsed.payload);
    const event = buildEvent({ source: src, raw, parsed, headers: d.headers, result, now });
    return { event, key: event.dedupeKey ?? event.providerEventId };
  };

  it('returns every event of the span once, across pages, oldest first', async () => {
    const { c, sub } = await connected();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    sq.addEvent({
      event_id: 'before',
      type: 'payment.created',
      created_at: at(10 * HOUR),
      dataJson: paymentData('P0', 100),
    });
    const ids: string[] = [];
    for (let i = 0; i < 230; i++) {
      const id = `evt-${String(i).padStart(3, '0')}`;
      ids.push(id);
      sq.addEvent({
        event_id: id,
        type: 'payment.created',
        created_at: at(8 * HOUR - i * 1000),
        dataJson: paymentData(`P${i}`, 100 + i),
      });
    }
    sq.addEvent({
      event_id: 'other-type',
      type: 'order.created',
      created_at: at(7 * HOUR),
      dataJson: '{"type":"order","id":"O1"}',
    });
    sq.addEvent({ event_id: 'after', type: 'payment.created', created_at: at(HOUR), dataJson: paymentData('P9', 1) });

    const result = await c.recover!(ctx(), sub, { from: now - 9 * HOUR, to: now - 2 * HOUR });
    expect(result.redelivered).toBe(0);
    expect(result.notes).toEqual([]);
    expect(result.deliveries.map((d) => (JSON.parse(d.body) as { event_id: string }).event_id)).toEqual(ids);
    const searches = sq.requests.filter((r) => r.path === '/v2/events');
    expect(searches).toHaveLength(3);
    expect(searches[0]!.body).toEqual({
      limit: 100,
      query: {
        filter: {
          event_types: ['payment.created'],
          created_at: {
            start_at: new Date(now - 9 * HOUR).toISOString(),
            end_at: new Date(now - 2 * HOUR).toISOString(),
          },
        },
        sort: { field: 'DEFAULT', order: 'ASC' },
      },
    });
    expect((searches[2]!.body as { cursor?: string }).cursor).toBeTruthy();
  });

  it("rebuilds the notification byte for byte, numbers past 2^53 included, with Square's headers and no signature", async () => {
    const { c, sub } = await connected();
    const json = sq.addEvent({
      event_id: '6a8f5f28-54a1-4eb0-a98a-3111513fd4fc',
      type: 'payment.created',
      created_at: new Date(now - HOUR).toISOString(),
      location_id: 'L1ABCDEFGH123',
      dataJson: paymentData('KkAkhdMs', '12345678901234567891'),
    });
    const { deliveries } = await c.recover!(ctx(), sub, { from: now - 2 * HOUR, to: now });
    expect(deliveries).toEqual([
      { headers: { 'content-type': 'application/json', 'square-environment': 'Production' }, body: json },
    ]);
    expect(deliveries[0]!.body).toContain('"amount":12345678901234567891');
    expect(JSON.parse(deliveries[0]!.body)).toMatchObject({ merchant_id: FAKE_MERCHANT, location_id: 'L1ABCDEFGH123' });
  });

  it("the receiver's Square provider reads a recovered event's type and id, and its duplicate key is the signed webhook's", async () => {
    const { c, sub, signatureKey } = await connected();
    const eventId = 'b3f1c9d2-1111-4c2f-9b0a-2c9e9f0a1c2d';
    const json = sq.addEvent({
      event_id: eventId,
      type: 'payment.created',
      created_at: new Date(now - HOUR).toISOString(),
      dataJson: paymentData('PAY1', 5900),
    });
    const { deliveries } = await c.recover!(ctx(), sub, { from: now - 2 * HOUR, to: now });
    expect(deliveries).toHaveLength(1);
    const recovered = stored(source(signatureKey), deliveries[0]!);
    expect(recovered.event.type).toBe('payment.created');
    expect(recovered.event.providerEventId).toBe(eventId);
    expect(recovered.event.summary).toBeTruthy();

    // The same event as Square would post it late: its own bytes (whitespace differs), signed over URL + body.
    const lateBody = JSON.stringify(JSON.parse(json), null, 1);
    const late = stored(source(signatureKey), {
      headers: {
        'content-type': 'application/json',
        'x-square-hmacsha256-signature': hmac('sha256', signatureKey, URL_, lateBody).toString('base64'),
      },
      body: lateBody,
    });
    expect(late.event.verification.ok).toBe(true);
    expect(late.event.type).toBe('payment.created');
    expect(late.key).toBe(recovered.key);
    expect(late.key).toBe(eventId);
  });

  it('in the real store, a late signed webhook for a recovered event is a duplicate of it (and the other way round)', async () => {
    const { c, sub, signatureKey } = await connected();
    const at = new Date(now - HOUR).toISOString();
    const first = sq.addEvent({
      event_id: 'late-1',
      type: 'payment.created',
      created_at: at,
      dataJson: paymentData('PA', 100),
    });
    const second = sq.addEvent({
      event_id: 'late-2',
      type: 'payment.created',
      created_at: at,
      dataJson: paymentData('PB', 200),
    });
    const { deliveries } = await c.recover!(ctx(), sub, { from: now - 2 * HOUR, to: now });
    const src = source(signatureKey);
    const signed = (json: string) => ({
      headers: {
        'content-type': 'application/json',
        'x-square-hmacsha256-signature': hmac('sha256', signatureKey, URL_, json).toString('base64'),
      },
      body: json,
    });
    // Stored as the Connect manager stores a recovery: no signature to check, so verification is skipped.
    const asRecovered = (d: RecoveredDelivery) => ({
      ...stored(src, d).event,
      status: 'received' as const,
      verification: { ok: true, reason: "Recovered from Square's Events API" },
    });
    const { dir, cleanup } = await tempDir();
    const store = await openStore(dir);
    try {
      const recovered = await store.appendEvent(asRecovered(deliveries[0]!));
      const lateWebhook = stored(src, signed(first)).event;
      expect(lateWebhook.verification.ok).toBe(true);
      expect(await store.appendEvent(lateWebhook)).toMatchObject({ id: recovered.id, duplicate: true });

      const webhookFirst = await store.appendEvent(stored(src, signed(second)).event);
      expect(webhookFirst.duplicate).toBe(false);
      expect(await store.appendEvent(asRecovered(deliveries[1]!))).toMatchObject({
        id: webhookFirst.id,
        duplicate: true,
      });
    } finally {
      await store.close();
      await cleanup();
    }
  });

  it('clamps the span to the 28 days Square keeps events, and says so', async () => {
    const { c, sub } = await connected();
    sq.addEvent({
      event_id: 'old',
      type: 'payment.created',
      created_at: new Date(now - 30 * 24 * HOUR).toISOString(),
      dataJson: paymentData('P1', 1),
    });
    sq.addEvent({
      event_id: 'kept',
      type: 'payment.created',
      created_at: new Date(now - 20 * 24 * HOUR).toISOString(),
      dataJson: paymentData('P2', 2),
    });
    const result = await c.recover!(ctx(), sub, { from: now - 40 * 24 * HOUR, to: now });
    expect(result.deliveries.map((d) => (JSON.parse(d.body) as { event_id: string }).event_id)).toEqual(['kept']);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(/^Square keeps events for 28 days only/);
    const start = (
      sq.requests.find((r) => r.path === '/v2/events')!.body as {
        query: { filter: { created_at: { start_at: string } } };
      }
    ).query.filter.created_at.start_at;
    expect(Date.parse(start)).toBe(now - 28 * 24 * HOUR);
  });

  it('event search off and refused: the subscription still works, and recovery says why it may find nothing', async () => {
    sq.refuseEnable = true;
    const { c, sub } = await connected();
    expect(sq.eventsEnabled).toBe(false);
    const result = await c.recover!(ctx(), sub, { from: now - HOUR, to: now });
    expect(result.deliveries).toEqual([]);
    expect(result.notes).toEqual([
      expect.stringMatching(/^Square did not switch on its event search \(Square refused: /),
    ]);
    expect(result.notes[0]).toContain('You do not have permission to enable events.');
  });

  it('a rate limit during the search: ConnectError rate-limited', async () => {
    const { c, sub } = await connected();
    sq.rateLimitNext(5);
    const err = await failure(c.recover!(ctx(), sub, { from: now - HOUR, to: now }));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(5000);
  });
});
