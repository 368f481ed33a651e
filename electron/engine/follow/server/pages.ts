// Reading events for followers: settled events after a cursor, oldest first, in commit
// order (store/settled.ts explains why that is id order below the settled watermark).
//
// What is sent: every stored event a sender made, verified or rejected (the follower
// keeps rejected ones for its feed and never runs automations on them). Not sent: the
// server owner's test events (`test: true`) and edited copies (`replayOf`): they were
// made in the server's dashboard for the server's own automations, and a follower would
// run its automations on them as if a provider had sent them.
import type { FollowPage, FollowedEvent } from '../../../../shared/follow';
import type { Store } from '../../store/types';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 500;

/**
 * One page after `after` (exclusive; null = from the oldest). Full events come from the
 * store's in-memory hot data or whole-segment reads it caches, so a page of 1000 costs
 * at most a segment read or two, not 1000 file reads. `next` moves past skipped test
 * events too, so a page is never empty while more lies ahead.
 */
export async function readPage(store: Store, after: string | null, limit: number): Promise<FollowPage> {
  const n = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit) || DEFAULT_PAGE));
  const { ids, scanned, behind } = store.followIds(after, n);
  const events = await Promise.all(ids.map((id) => store.getEvent(id)));
  const out: FollowedEvent[] = [];
  for (const e of events) if (e) out.push({ cursor: e.id, event: e });
  return { events: out, next: scanned, behind };
}

/** A cursor as the follow API accepts it: an event id as the server made it, or empty (from the start). */
export function parseCursor(value: unknown): string | null | undefined {
  if (value === undefined || value === '' || value === null) return null;
  if (typeof value !== 'string' || value.length > 100 || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  return value;
}
