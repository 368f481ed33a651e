// Resource keys in the store (issue #14): where an event's `resourceKey` takes part in
// deduplication, beside its `dedupeKey`. See receiver/providers/resource-key.ts for what
// the key is, and the README's "Connect: Shopify and WooCommerce" for the rule.
import type { EventStatus } from '../../../shared/types';

/**
 * How the event's resource key (EventSummary.resourceKey, receiver/providers/resource-key.ts)
 * takes part in deduplication, or null when it has none (or is rejected). `key` is per source,
 * like dedupeKey's. A recovered copy (Connect) has it as its dedupe key, so a webhook's resource
 * key is looked up among the dedupe keys; a webhook's is kept in a map of its own, where only a
 * recovered copy looks. Webhooks never match one another by it: between webhooks, only a retry
 * of the same delivery is a duplicate (README, duplicate keys).
 */
export function resourceKey(e: {
  source: string;
  dedupeKey?: string | null;
  resourceKey?: string | null;
  status: EventStatus;
}): { key: string; recovered: boolean } | null {
  if (!e.resourceKey || e.status === 'rejected') return null;
  return { key: `${e.source}\u0000${e.resourceKey}`, recovered: e.dedupeKey === e.resourceKey };
}
