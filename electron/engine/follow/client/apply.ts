// Stores followed events under the server's event id and hands each new one to this
// computer's automations, exactly as the receiver does with a webhook (receiver/app.ts
// storeAccepted: 'event.created' on the bus, then automations.onEvent).
//
// Exactly once, across kill -9: an event id already in the store is a duplicate and is
// not stored again (nor counted as a redelivery). Its automations are fired only when it
// has no run yet: a crash between storing an event and writing its runs would otherwise
// leave it never run, and firing an event that matches nothing writes nothing. The
// store's dedupe key of a followed event is `follow:<server id>`, so two copies arriving
// at once (journal group commit) are one event too (store.appendEvent dedupes by key).
import type { FollowedEvent } from '../../../../shared/follow';
import { mayRun } from '../../../../shared/statuses';
import type { EventSummary } from '../../../../shared/types';
import type { Store, StoredEvent } from '../../store/types';
import type { AutomationsService } from '../../types';
import type { Bus } from '../../util/bus';

export interface ApplyDeps {
  store: Store;
  bus: Bus;
  automations: () => Pick<AutomationsService, 'onEvent' | 'runsForEvent'> | null;
}

export interface Applied {
  stored: number;
  duplicates: number;
  /** The last event's receivedAt (ISO), or null for an empty batch. */
  lastReceivedAt: string | null;
}

/** The dedupe key a followed event is stored under: the server's event id is unique per event. */
export function followKey(serverId: string): string {
  return `follow:${serverId}`;
}

/** The event as this computer stores it: the server's fields, its own status (its runs are ours). */
export function toLocalEvent(e: FollowedEvent['event']): StoredEvent {
  const { ran: _ran, ...rest } = e as FollowedEvent['event'] & { ran?: unknown };
  void _ran;
  return {
    ...rest,
    status: e.status === 'rejected' ? 'rejected' : 'received',
    dedupeKey: followKey(e.id),
  };
}

/** Test events ran (or not) on the server as asked there; on a follower they never run. */
function shouldRun(s: EventSummary): boolean {
  return mayRun(s.status) && s.test !== true && s.status !== 'rejected';
}

/**
 * Stores a batch (all appends issued together: one group commit), then fires the
 * automations of each event that has none yet. Resolves once every write is durable;
 * rejects (StoreWriteError) when the store cannot persist, so nothing is acknowledged.
 */
export async function applyBatch(deps: ApplyDeps, batch: FollowedEvent[]): Promise<Applied> {
  const { store, bus } = deps;
  const seen = new Set<string>();
  const fresh: FollowedEvent[] = [];
  let duplicates = 0;
  for (const f of batch) {
    if (seen.has(f.event.id) || store.getEventSummary(f.event.id)) duplicates++;
    else fresh.push(f);
    seen.add(f.event.id);
  }
  const outcomes = await Promise.all(fresh.map((f) => store.appendEvent(toLocalEvent(f.event))));
  const toFire: EventSummary[] = [];
  for (const o of outcomes) {
    if (o.duplicate) duplicates++;
    else bus.emit('event.created', o.summary);
  }
  const automations = deps.automations();
  for (const id of seen) {
    const s = store.getEventSummary(id);
    if (s && automations && shouldRun(s) && automations.runsForEvent(id).length === 0) toFire.push(s);
  }
  if (automations) await Promise.all(toFire.map((s) => automations.onEvent(s)));
  return {
    stored: outcomes.length - outcomes.filter((o) => o.duplicate).length,
    duplicates,
    lastReceivedAt: batch.at(-1)?.event.receivedAt ?? null,
  };
}
