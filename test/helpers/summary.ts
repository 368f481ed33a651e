// An EventSummary for index and rule tests: a received Shopify orders/create at
// `at` (ms, default now) with a fresh time-ordered id, overridden by `over`.
import type { EventSummary } from '../../shared/types';
import { newId } from '../../electron/engine/util/ids';

export function eventSummary(over: Partial<EventSummary> & { at?: number } = {}): EventSummary {
  const { at = Date.now(), ...rest } = over;
  return {
    id: newId('evt', at),
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'received',
    receivedAt: new Date(at).toISOString(),
    providerEventId: null,
    verification: { ok: true, reason: null },
    summary: null,
    sizeBytes: 10,
    redeliveries: 0,
    replayOf: null,
    ...rest,
  };
}
