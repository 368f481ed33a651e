// Where the follower keeps its place: the cursor of the last event it stored, per
// server and follower id, in the store's 'meta' collection. Being a store record it
// is written through the same journal as the events, after them: the store's ordering
// rule (store/types.ts) makes a durable cursor imply every event up to it is durable
// too, and it costs no fsync of its own.
import type { Collection, Store } from '../../store/types';

const ID = 'follow-cursor';

interface CursorRecord {
  id: string;
  server: string;
  followerId: string;
  cursor: string | null;
}

export interface CursorBook {
  /** The cursor stored for this server and follower; null (from the start) for another one. */
  load(server: string, followerId: string): string | null;
  /** Durable once resolved, and never before the writes issued before it. */
  save(server: string, followerId: string, cursor: string): Promise<void>;
}

export function createCursorBook(store: Pick<Store, 'collection'>): CursorBook {
  const meta = (): Collection<CursorRecord> => store.collection<CursorRecord>('meta');
  return {
    load(server, followerId) {
      const r = meta().get(ID);
      return r && r.server === server && r.followerId === followerId ? r.cursor : null;
    },
    save: (server, followerId, cursor) => meta().put({ id: ID, server, followerId, cursor }),
  };
}
