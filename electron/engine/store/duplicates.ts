// The store's duplicate check for a new event (README "duplicate keys"): the same
// provider event, or the same resource change (a webhook and its recovered copy,
// resource-keys.ts), is stored once. Its first copy may be in the index, pruned by
// retention less than 7 days after it came (dedupe-keys.ts), or being written right
// now by a concurrent append (then the second waits for the first to settle).
import type { RetiredKeys } from './dedupe-keys';
import type { EventIndex } from './event-index';

type ResourceKey = { key: string; recovered: boolean } | null;

/** Dedupe and resource keys whose first event is being written right now. */
export class InflightKeys {
  private readonly writing = new Map<string, Promise<unknown>>();

  /** The write holding `key` (or the resource key), if one is in progress. */
  find(key: string, res: ResourceKey): Promise<unknown> | undefined {
    return this.writing.get(key) ?? (res ? this.writing.get(res.key) : undefined);
  }

  /** Holds `key` and the resource key until `written` settles (fulfilled or rejected). */
  hold(key: string, res: ResourceKey, written: Promise<unknown>): void {
    this.holdOne(key, written);
    if (res && res.key !== key) this.holdOne(res.key, written);
  }

  private holdOne(key: string, written: Promise<unknown>): void {
    this.writing.set(key, written);
    const clear = () => {
      if (this.writing.get(key) === written) this.writing.delete(key);
    };
    void written.then(clear, clear);
  }
}

/**
 * The id of the first copy of an event with dedupe key `key` (and resource key `res`):
 * `pruned` when retention dropped it but its key is still kept; undefined when there is none.
 */
export function firstCopy(
  index: EventIndex,
  retired: RetiredKeys,
  key: string,
  res: ResourceKey,
): { id: string; pruned: boolean } | undefined {
  const id = index.findDuplicate(key) ?? (res ? index.findResourceDuplicate(res) : undefined);
  if (id !== undefined) return { id, pruned: false };
  const prunedId = retired.find(key) ?? (res ? retired.findResource(res) : undefined);
  return prunedId === undefined ? undefined : { id: prunedId, pruned: true };
}
