// The connector registry (one per provider, a repeated one refused, API base overrides
// from HOOKDOCK_<PROVIDER>_API_BASE), the rate-limit retry (Retry-After first, else
// backoff), the Retry-After parser, and the recovery span.
import { describe, expect, it } from 'vitest';
import { recoverySpan, RECOVERY_MARGIN_MS } from '../../electron/engine/connect/gap-recovery';
import { apiBaseVariable, createConnectorRegistry } from '../../electron/engine/connect/registry';
import { retryAfterMs, stripeConnector } from '../../electron/engine/connect/stripe';
import { ConnectError } from '../../electron/engine/connect/types';
import { retryRateLimited } from '../../electron/engine/connect/waits';
import { parseForm } from '../helpers/fake-stripe';

describe('connector registry', () => {
  it('has Stripe, refuses a second connector for one provider, and reads the API base override', () => {
    expect(createConnectorRegistry(undefined, {}).providers()).toContain('stripe');
    expect(() => createConnectorRegistry([stripeConnector, stripeConnector], {})).toThrow(
      'Two connectors for provider "stripe".',
    );
    expect(apiBaseVariable('stripe')).toBe('HOOKDOCK_STRIPE_API_BASE');
    expect(apiBaseVariable('woocommerce')).toBe('HOOKDOCK_WOOCOMMERCE_API_BASE');
    expect(createConnectorRegistry(undefined, {}).apiBase('stripe')).toBe('https://api.stripe.com');
    const fake = createConnectorRegistry(undefined, { HOOKDOCK_STRIPE_API_BASE: 'http://127.0.0.1:12111/' });
    expect(fake.apiBase('stripe')).toBe('http://127.0.0.1:12111');
  });
});

describe('rate limits', () => {
  it('waits what Retry-After asked, else 1 s, 2 s, 4 s, and gives up after the last try', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    let calls = 0;
    const answers = [
      new ConnectError('rate-limited', 'slow down', 7000),
      new ConnectError('rate-limited', 'slow down'),
    ];
    const ok = await retryRateLimited(
      async () => {
        const e = answers[calls++];
        if (e) throw e;
        return 'done';
      },
      5,
      sleep,
    );
    expect(ok).toBe('done');
    expect(slept).toEqual([7000, 2000]);

    slept.length = 0;
    await expect(
      retryRateLimited(() => Promise.reject(new ConnectError('rate-limited', 'slow down')), 3, sleep),
    ).rejects.toThrow('slow down');
    expect(slept).toEqual([1000, 2000]);
    // Anything but a rate limit is not retried here.
    slept.length = 0;
    await expect(retryRateLimited(() => Promise.reject(new ConnectError('auth', 'no')), 3, sleep)).rejects.toThrow(
      'no',
    );
    expect(slept).toEqual([]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs('Mon, 30 Nov 2026 07:00:10 GMT', Date.parse('2026-11-30T07:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('recovery span', () => {
  it('asks from the margin before the gap (never before the connection) to the margin after', () => {
    const gap = {
      id: 'g',
      from: '2026-11-30T06:00:00.000Z',
      to: '2026-11-30T07:00:00.000Z',
      cause: 'stopped' as const,
      sources: [],
    };
    const from = Date.parse(gap.from);
    const to = Date.parse(gap.to);
    expect(recoverySpan(gap, 0)).toEqual({ from: from - RECOVERY_MARGIN_MS, to: to + RECOVERY_MARGIN_MS });
    expect(recoverySpan(gap, from + 600_000)).toEqual({
      from: from + 600_000 - RECOVERY_MARGIN_MS,
      to: to + RECOVERY_MARGIN_MS,
    });
  });
});

describe('the fake Stripe form parser', () => {
  it('reads Stripe form encoding as the SDK writes it', () => {
    expect(parseForm('url=https%3A%2F%2Fx&enabled_events[0]=a&enabled_events[1]=b&created[gte]=5')).toEqual({
      url: 'https://x',
      enabled_events: { 0: 'a', 1: 'b' },
      created: { gte: '5' },
    });
  });
});
