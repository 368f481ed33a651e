import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { deliveryBody, parseRetryAfter } from '../../electron/engine/outbox/http';
import { sign } from '../../electron/engine/outbox/signing';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

describe('Standard Webhooks signing', () => {
  it('is verified by the standardwebhooks library', () => {
    const body = deliveryBody({
      type: 'agent_action_completed',
      createdAt: new Date().toISOString(),
      data: { ok: true, n: 'é✓' },
    });
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_abc123',
      'webhook-timestamp': String(ts),
      'webhook-signature': sign(secret, 'msg_abc123', ts, body),
    };
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the library signature byte for byte', () => {
    const ts = 1_700_000_000;
    const lib = new Webhook(secret).sign('msg_1', new Date(ts * 1000), '{"a":1}');
    expect(sign(secret, 'msg_1', ts, '{"a":1}')).toBe(lib);
  });

  it('fails verification for another secret, id or body', () => {
    const ts = Math.floor(Date.now() / 1000);
    const sig = sign(secret, 'msg_1', ts, '{"a":1}');
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    const h = (id: string) => ({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': sig });
    expect(() => new Webhook(other).verify('{"a":1}', h('msg_1'))).toThrow();
    expect(() => new Webhook(secret).verify('{"a":1}', h('msg_2'))).toThrow();
    expect(() => new Webhook(secret).verify('{"a":2}', h('msg_1'))).toThrow();
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, caps at 24 h, ignores junk', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(24 * 3_600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
