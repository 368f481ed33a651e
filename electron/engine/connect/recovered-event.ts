// A recovered delivery (connect/types.ts RecoveredDelivery) as the event the store
// keeps: the receiver's own parse (payload, type, ids, summary), with the provider told
// it is a recovered copy (ProviderRequest.recovered) instead of a header anyone could
// send: no signature is checked, and its duplicate key is its resource key
// (receiver/providers/resource-key.ts), which a webhook for the same order change
// also carries, so whichever of the two reaches the store second is a duplicate.
import type { SourceConfig } from '../../../shared/config';
import { buildEvent, flattenHeaders } from '../receiver/event';
import { parseDelivery } from '../receiver/formats';
import { getProvider } from '../receiver/providers';
import type { StoredEvent } from '../store/types';
import type { RecoveredDelivery } from './types';

/**
 * The StoredEvent for one recovered delivery of `source`, received at `now` (ms), marked
 * `recovered: true`. Its `verification.ok` is false only when the source's provider does not
 * take recovered copies (only Shopify and WooCommerce do; Stripe's events carry their own id).
 */
export function recoveredEvent(
  source: SourceConfig,
  delivery: RecoveredDelivery,
  now: number,
): StoredEvent & { recovered: true } {
  const provider = getProvider(source.provider);
  const raw = Buffer.from(delivery.body, 'utf8');
  const headers = flattenHeaders(delivery.headers);
  const parsed = parseDelivery(provider, raw, headers['content-type']);
  const result = provider.verify({ rawBody: raw, headers, source, url: '', now, recovered: true }, parsed.payload);
  return { ...buildEvent({ source, raw, parsed, headers, result, now }), recovered: true };
}
