// Every provider's documented policy, turned into what a gap means for the owner,
// and the --exit-when-unreachable watcher driven by a hand-moved clock.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config';
import { PROVIDERS } from '../../shared/types';
import { watchUnreachable } from '../../electron/engine/gaps/exit-watch';
import { attentionText } from '../../electron/engine/gaps';
import { formatTime, sourcesForGap } from '../../electron/engine/gaps/policy';
import { createBus } from '../../electron/engine/util/bus';
import type { Clock } from '../../electron/engine/util/clock';

const T0 = Date.parse('2026-11-30T04:00:00.000Z');
const H = 3_600_000;
const all = configSchema.parse({
  sources: PROVIDERS.map((p) => ({
    id: `s-${p}`,
    provider: p,
    secret: 'x',
    hmac: p === 'hmac' ? { header: 'X-Sig' } : undefined,
  })),
}).sources;
const one = (provider: string, hours: number) =>
  sourcesForGap(
    all.filter((s) => s.provider === provider),
    { from: T0, to: T0 + hours * H, now: T0 + hours * H },
  )[0]!;

describe('provider policies for a gap', () => {
  it('every provider has a policy and a recovery sentence', () => {
    const rows = sourcesForGap(all, { from: T0, to: T0 + H, now: T0 + H });
    expect(rows.map((r) => r.provider)).toEqual([...PROVIDERS]);
    for (const r of rows) {
      expect(r.providerPolicy).toMatch(/^[A-Z].*\.$/);
      expect(r.recovery).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('Shopify: retries for about 4 hours, then has probably deleted an admin-created webhook', () => {
    expect(one('shopify', 1).recovery).toBe(
      `Nothing to do: Shopify keeps retrying what it sent during this gap until about ${formatTime(T0 + 4 * H)}, and it will arrive here.`,
    );
    expect(formatTime(T0 + 4 * H)).toBe('2026-11-30 08:00 UTC');
    expect(one('shopify', 5).recovery).toMatch(
      /^Shopify has probably deleted this webhook\. .*Settings → Notifications → Webhooks/,
    );
  });

  it('WooCommerce never retries and disables after more than 5 failures, whatever the length', () => {
    expect(one('woocommerce', 0.1).providerPolicy).toContain('more than 5 failed deliveries in a row');
    expect(one('woocommerce', 0.1).recovery).toContain('set the webhook’s Status back to Active');
  });

  it('GitHub never retries: redeliver by hand within 3 days of the gap start', () => {
    expect(one('github', 1).recovery).toContain(`Redeliver by hand before ${formatTime(T0 + 72 * H)}`);
    expect(one('github', 80).recovery).toContain('older than 3 days');
  });

  it('Stripe retries up to 3 days, Square up to 72 hours', () => {
    expect(one('stripe', 10).recovery).toContain(`until about ${formatTime(T0 + 72 * H)}`);
    expect(one('stripe', 80).recovery).toContain('may have disabled the endpoint');
    expect(one('square', 10).recovery).toContain(`until about ${formatTime(T0 + 72 * H)}`);
    expect(one('square', 80).recovery).toContain('discarded');
  });

  it('an ongoing gap (to null) is judged by its length so far', () => {
    const [row] = sourcesForGap(
      all.filter((s) => s.provider === 'shopify'),
      { from: T0, to: null, now: T0 + 5 * H },
    );
    expect(row!.recovery).toMatch(/^Shopify has probably deleted/);
  });

  it('the attention sentence names the providers and says what to do', () => {
    const config = configSchema.parse({ sources: [{ id: 'shop', provider: 'shopify', secret: 'x' }] });
    expect(attentionText(config, 'no answer within 20 seconds')).toMatch(
      /^Shopify can't reach Hookdock right now: no answer within 20 seconds\. Check this computer's internet connection/,
    );
    expect(attentionText(configSchema.parse({}), 'x')).toMatch(/^Your webhook senders can't reach/);
  });
});

describe('--exit-when-unreachable', () => {
  function manualClock() {
    const timers = new Map<number, { at: number; fn: () => void }>();
    let id = 0;
    const clock: Clock & { t: number; advance(ms: number): void } = {
      t: 0,
      now: () => clock.t,
      setTimeout: (fn, ms) => (timers.set(++id, { at: clock.t + ms, fn }), id),
      clearTimeout: (h) => void timers.delete(h as number),
      advance(ms) {
        clock.t += ms;
        for (const [k, v] of [...timers]) {
          if (v.at > clock.t) continue;
          timers.delete(k);
          v.fn();
        }
      },
    };
    return clock;
  }

  it('fires after MINUTES of unbroken unreachability, and a reachable probe in between resets it', () => {
    const bus = createBus();
    const clock = manualClock();
    const fired: string[] = [];
    const off = watchUnreachable(bus, clock, 10, (m) => fired.push(m));
    const at = (state: 'reachable' | 'unreachable') =>
      bus.emit('reachability.changed', { state, checkedAt: new Date(clock.t).toISOString(), attention: null });
    at('unreachable');
    clock.advance(9 * 60_000);
    at('reachable');
    clock.advance(5 * 60_000);
    expect(fired).toEqual([]);
    at('unreachable');
    clock.advance(5 * 60_000);
    at('unreachable'); // a further failed probe does not restart the wait
    clock.advance(5 * 60_000);
    expect(fired).toEqual([
      'the public URL has not been reachable for 10 minutes; exiting so your supervisor can restart Hookdock.',
    ]);
    off();
  });
});
