// Storing what a connector got back after a gap. Each RecoveredDelivery goes through
// the receiver's own reading of a delivery (formats.ts parseDelivery, the provider's
// type / event id / duplicate key, summary.ts) without a signature check - it came
// from the provider's API over TLS with the owner's credential, not from the open
// internet - and is stored with `recovered: true` through the store's duplicate
// detection: one already received is a duplicate, and so is a late webhook after it.
// A new one runs automations exactly as an arrived event does (`onAccepted`).
import type { SourceConfig } from '../../../shared/config';
import type { EventSummary } from '../../../shared/types';
import { buildEvent, flattenHeaders } from '../receiver/event';
import { parseDelivery } from '../receiver/formats';
import { getProvider } from '../receiver/providers';
import type { ProviderResult } from '../receiver/types';
import type { Store } from '../store/types';
import type { Bus } from '../util/bus';
import type { RecoveredDelivery } from './types';

export interface StoreRecoveredDeps {
  store: Store;
  bus: Bus;
  now: () => number;
  /** A new (not duplicate) event is on disk: automations may run (the receiver's onAccepted). */
  onAccepted: (summary: EventSummary) => void;
}

/**
 * What the provider's parse reads from a delivery, as the receiver would: type and event
 * id from the provider module, verified as `ok` with `reason` saying where it came from.
 * The source is read without its secret, so the provider's verify reports only the parse.
 * `delivery.dedupeKey`, when a connector sets it, is the key (a resource + topic for
 * providers whose webhook ids cannot be rebuilt from their API).
 */
export function readRecovered(
  source: SourceConfig,
  delivery: RecoveredDelivery,
  now: number,
): ReturnType<typeof buildEvent> {
  const provider = getProvider(source.provider);
  const raw = Buffer.from(delivery.body, 'utf8');
  const headers = flattenHeaders(delivery.headers);
  const parsed = parseDelivery(provider, raw, headers['content-type']);
  const { secret: _unused, ...unsigned } = source;
  // `recovered`: providers whose webhook ids cannot be rebuilt (Shopify, WooCommerce) key it by its
  // resource key (receiver/providers/resource-key.ts), which the webhook for the same change also carries.
  const read = provider.verify(
    { rawBody: raw, headers, source: unsigned, now, url: '', recovered: true },
    parsed.payload,
  );
  const result: ProviderResult = {
    ok: true,
    reason: `Recovered through the ${provider.label} API`,
    type: read.type,
    providerEventId: read.providerEventId,
    ...(delivery.dedupeKey ? { dedupeKey: delivery.dedupeKey } : read.dedupeKey ? { dedupeKey: read.dedupeKey } : {}),
    ...(read.resourceKey ? { resourceKey: read.resourceKey } : {}),
  };
  return { ...buildEvent({ source, raw, parsed, headers, result, now }), recovered: true };
}

/** Stores each delivery once; returns how many were new (the rest were already here). */
export async function storeRecovered(
  deps: StoreRecoveredDeps,
  source: SourceConfig,
  deliveries: RecoveredDelivery[],
): Promise<{ stored: number; duplicates: number }> {
  let stored = 0;
  let duplicates = 0;
  for (const delivery of deliveries) {
    const event = readRecovered(source, delivery, deps.now());
    const outcome = await deps.store.appendEvent(event, { countRedelivery: false });
    if (outcome.duplicate) {
      duplicates++;
      continue;
    }
    stored++;
    deps.bus.emit('event.created', outcome.summary);
    deps.onAccepted(outcome.summary);
  }
  return { stored, duplicates };
}
