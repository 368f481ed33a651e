// A recovered delivery (connect/types.ts RecoveredDelivery) as the event the store keeps:
// connect/recover.ts readRecovered (the receiver's own parse, no signature check, the
// provider told it is a recovered copy through ProviderRequest.recovered rather than a
// header anyone could send). For Shopify and WooCommerce its duplicate key is its resource
// key (receiver/providers/resource-key.ts), which a webhook for the same order change also
// carries, so whichever of the two reaches the store second is a duplicate.
import type { SourceConfig } from '../../../shared/config';
import type { StoredEvent } from '../store/types';
import { readRecovered } from './recover';
import type { RecoveredDelivery } from './types';

/** The StoredEvent for one recovered delivery of `source`, received at `now` (ms), marked `recovered: true`. */
export function recoveredEvent(
  source: SourceConfig,
  delivery: RecoveredDelivery,
  now: number,
): StoredEvent & { recovered: true } {
  return { ...readRecovered(source, delivery, now), recovered: true };
}
