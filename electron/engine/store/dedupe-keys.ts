// Duplicate keys outlive their events: retention may drop an event after one
// day, yet a provider can still redeliver it for days after (Stripe retries for
// up to 3 days, GitHub lets an owner redeliver the past 7 days, Square retries
// for 24 h). So before prune drops events younger than DEDUPE_KEEP_MS, their
// dedupe keys are written durably to the `dedupe` collection, and a redelivery
// that arrives later is still answered `duplicate: true` instead of running
// the owner's scripts a second time. A key is forgotten DEDUPE_KEEP_MS after
// its event was received.
import type { EventSummary } from '../../../shared/types';
import type { StoredCollection } from './collections';
import { dedupeKey } from './event-index';
import { resourceKey } from './resource-keys';

/** 7 days, in ms: the least time a duplicate key is kept, whatever `retention.days` says. */
export const DEDUPE_KEEP_MS = 7 * 86_400_000;

/** One kept key: `id` is the pruned event's id (time-ordered, so records shard by day). */
interface KeptKey {
  id: string;
  key: string;
  /** A webhook's resource key (event-index.ts resourceKey()), for a late recovered copy to find. */
  resource?: string;
  receivedAt: string;
}

export class RetiredKeys {
  /** dedupe key -> the id of the (pruned) event that first had it. */
  private readonly byKey = new Map<string, string>();
  /** webhook resource key -> the id of the (pruned) webhook event that had it. */
  private readonly byResource = new Map<string, string>();

  constructor(private readonly collection: StoredCollection<{ id: string }>) {}

  /** Rebuilds the lookup from the collection (after load and journal replay). */
  load(): void {
    this.byKey.clear();
    this.byResource.clear();
    for (const r of this.collection.values() as IterableIterator<Partial<KeptKey>>) {
      if (typeof r.key === 'string' && typeof r.id === 'string') this.remember(r.key, r.id, r.resource);
    }
  }

  /** The first event id that had `key`, when its event was pruned less than 7 days after receipt. */
  find(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** As find(), by a new event's resource key (see EventIndex.findResourceDuplicate). */
  findResource(res: { key: string; recovered: boolean }): string | undefined {
    return res.recovered ? this.byResource.get(res.key) : this.byKey.get(res.key);
  }

  /**
   * Keeps (durably, before resolving) the keys of the events prune may drop that
   * are younger than 7 days at `now` (ms). Call it before the events are dropped,
   * so a crash in between cannot lose a key.
   */
  async keep(candidates: Iterable<EventSummary>, now: number): Promise<void> {
    const since = new Date(now - DEDUPE_KEEP_MS).toISOString();
    const puts: Promise<void>[] = [];
    for (const s of candidates) {
      const key = dedupeKey(s);
      if (!key || s.receivedAt < since || this.collection.get(s.id)) continue;
      const res = resourceKey(s);
      const resource = res && !res.recovered ? res.key : undefined;
      const record: KeptKey = { id: s.id, key, ...(resource ? { resource } : {}), receivedAt: s.receivedAt };
      puts.push(this.collection.put(record).then(() => this.remember(key, s.id, resource)));
    }
    await Promise.all(puts);
  }

  /** Forgets keys whose event was received 7 days or more before `now` (ms). Returns how many. */
  async expire(now: number): Promise<number> {
    const since = new Date(now - DEDUPE_KEEP_MS).toISOString();
    const deletes: Promise<void>[] = [];
    for (const r of [...this.collection.values()] as Partial<KeptKey>[]) {
      if (typeof r.id !== 'string' || (typeof r.receivedAt === 'string' && r.receivedAt >= since)) continue;
      const id = r.id;
      if (typeof r.key === 'string' && this.byKey.get(r.key) === id) this.byKey.delete(r.key);
      if (typeof r.resource === 'string' && this.byResource.get(r.resource) === id) this.byResource.delete(r.resource);
      deletes.push(this.collection.delete(id));
    }
    await Promise.all(deletes);
    return deletes.length;
  }

  private remember(key: string, id: string, resource?: string): void {
    const first = this.byKey.get(key);
    if (first === undefined || id < first) this.byKey.set(key, id);
    if (typeof resource !== 'string') return;
    const firstByResource = this.byResource.get(resource);
    if (firstByResource === undefined || id < firstByResource) this.byResource.set(resource, id);
  }
}
