// The dashboard's side of follow mode: POST/GET/DELETE /api/followers (shared/api.ts)
// and the followers' line of GET /api/status.
import type { ApiHandlers } from '../../../../shared/api';
import type { Store } from '../../store/types';
import { notFound } from '../../util/errors';
import { followerInfo, type FollowerBook, type FollowerRecord } from './followers';
import type { FollowStreams } from './stream';

/** A follower this many events behind gets a warning in the dashboard. */
export const FAR_BEHIND_EVENTS = 10_000;
/** ...and one that has not acknowledged anything for this long (ms). */
export const SILENT_MS = 24 * 3_600_000;

export interface FollowersStatus {
  count: number;
  warnings: string[];
}

interface Deps {
  store: Store;
  book: FollowerBook;
  streams: FollowStreams;
  base: () => string;
  now: () => number;
}

/** Events after the follower's acknowledged cursor (all of them before its first ack). */
function behindOf(store: Store, r: FollowerRecord): number {
  return store.followIds(r.ackedCursor, 0).behind;
}

export function followerHandlers(d: Deps): Pick<ApiHandlers, 'createFollower' | 'listFollowers' | 'revokeFollower'> {
  return {
    async createFollower({ name }) {
      const { record, token } = await d.book.add(name);
      // The token rides in the fragment: a browser never sends it to a proxy (shared/follow.ts).
      return { id: record.id, pairingLink: `${d.base()}/#${token}` };
    },
    async listFollowers() {
      return {
        items: d.book.list().map((r) => followerInfo(r, behindOf(d.store, r), d.streams.connected(r.id))),
      };
    },
    async revokeFollower({ id }) {
      if (!d.book.get(id)) throw notFound('That follower');
      await d.book.revoke(id);
      d.streams.closeFollower(id);
      return { id, revoked: true };
    },
  };
}

/** The count, and a sentence per follower that is far behind or has been silent for a day. */
export function followersStatus(d: Deps): FollowersStatus {
  const warnings: string[] = [];
  const damage = d.book.damage();
  if (damage) warnings.push(damage);
  const now = d.now();
  for (const r of d.book.list()) {
    const behind = behindOf(d.store, r);
    const lastHeard = Date.parse(r.ackedAt ?? r.createdAt);
    if (behind > FAR_BEHIND_EVENTS) {
      warnings.push(
        `Follower "${r.name}" is ${behind.toLocaleString('en-US')} events behind: its events are kept until it catches up. Check that it is running, or revoke it in Settings → Followers.`,
      );
    } else if (now - lastHeard > SILENT_MS && (behind > 0 || r.ackedAt === null)) {
      warnings.push(
        `Follower "${r.name}" has not acknowledged any event for over a day: events it has not received are kept until it does. Check that it is running, or revoke it in Settings → Followers.`,
      );
    }
  }
  return { count: d.book.list().length, warnings };
}
