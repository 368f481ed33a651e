// Conditions in the real automations service: a real store and config file on disk,
// real child processes. An event whose payload does not meet an automation's
// conditions does not run it; ids beyond 2^53 are told apart by their digits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';
import { allSettled, script, startHarness, storedEvent, type Harness } from './automations-harness';

let dir: string;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-conditions-');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await removeDir(dir);
});

/** A Shopify orders/create as the receiver stores it: the body's own text, the payload JSON.parse made of it. */
const shopifyOrder = (idLiteral: string, total: string) => {
  const text = `{"id":${idLiteral},"total_price":"${total}","customer":{"first_name":"Zoë"}}`;
  return storedEvent({
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    body: { text },
    payload: JSON.parse(text),
  });
};

const config = (conditions: Record<string, unknown>): ConfigInput => ({
  automations: [
    {
      id: 'big-orders',
      source: 'shop',
      events: ['orders/*'],
      conditions,
      action: { kind: 'script', command: script('trivial.sh'), timeoutSeconds: 20 },
      retry: { schedule: [] },
    },
  ],
  tunnel: { provider: 'none' },
});

describe('automations with conditions', () => {
  it('runs for an event that meets them and not for one that does not', async () => {
    h = await startHarness(
      dir,
      config({ 'payload.total_price': { $gt: 100 }, 'headers.x-shopify-topic': 'orders/create' }),
    );
    const small = await h.fire(shopifyOrder('1001', '59.00'));
    const big = await h.fire(shopifyOrder('1002', '199.00'));
    // onEvent resolves once the runs it creates are stored: none means none.
    expect(h.automations.runsForEvent(small.id)).toEqual([]);
    const [run] = await h.waitRun(big.id, allSettled);
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].kind).toBe('script');
    // The event's status follows its run's last record (written right after it).
    await waitFor(() => h!.store.getEventSummary(big.id)?.status === 'done', 10_000, 'the event to be done');
    expect(h.store.getEventSummary(small.id)?.status).toBe('received');
  });

  it('tells apart two ids beyond 2^53 that are the same double', async () => {
    h = await startHarness(dir, config({ 'payload.id': '820982911946154508' }));
    const other = await h.fire(shopifyOrder('820982911946154509', '10.00'));
    const mine = await h.fire(shopifyOrder('820982911946154508', '10.00'));
    expect(h.store.getEventSummary(other.id)).toBeDefined();
    expect(h.automations.runsForEvent(other.id)).toEqual([]);
    const [run] = await h.waitRun(mine.id, allSettled);
    expect(run.status).toBe('succeeded');
  });

  it('refuses bad conditions on save with their JSON path and keeps the last good config', async () => {
    h = await startHarness(dir, config({ 'payload.total_price': { $gt: 100 } }));
    await expect(
      h.config.update((draft) => {
        draft.automations[0].conditions = { 'payload.total_price': { $where: 'true' } };
      }),
    ).rejects.toThrow(/automations\[0\]\.conditions\.payload\.total_price\.\$where: unknown operator/);
    expect(h.config.current().automations[0].conditions).toEqual({ 'payload.total_price': { $gt: 100 } });
  });
});
