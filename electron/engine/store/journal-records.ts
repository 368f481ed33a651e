// What the store's journal lines hold (store.ts), and replaying one at open: each
// record is an absolute value, so applying it again over state that has it changes nothing.
import type { EventStatus } from '../../../shared/types';
import type { JournalRecord as CollectionRecord } from './collections';
import { withPayload } from './event-payload';
import { searchTextOf } from './search-text';
import type { StoredEvent } from './types';

export type EventRecord =
  { t: 'ev'; e: StoredEvent } | { t: 'st'; id: string; status?: EventStatus; redeliveries?: number };
export type AnyRecord = EventRecord | CollectionRecord;

/** Where a replayed record goes. `text` is the event's search text (search-text.ts). */
export interface ReplayTarget {
  /** `json`: the record as UTF-8 JSON (segment-files.ts HeldJson). */
  event(e: StoredEvent, json: Buffer, text: string): void;
  status(id: string, patch: { status?: EventStatus; redeliveries?: number }): void;
  put(collection: string, record: { id: string }): void;
  del(collection: string, id: string): void;
}

/** Applies one parsed journal line; false when it is no record the store knows (damage: kept aside by the caller). */
export function replayRecord(rec: unknown, to: ReplayTarget): boolean {
  const r = rec as AnyRecord;
  if (r?.t === 'ev' && typeof r.e?.id === 'string') {
    // A journal record leaves out the payload when the body text restores it (event-payload.ts):
    // the search text is made from the payload, so it is put back first.
    to.event(r.e, Buffer.from(JSON.stringify(r.e), 'utf8'), searchTextOf(withPayload(r.e)));
  } else if (r?.t === 'st' && typeof r.id === 'string') {
    const patch: { status?: EventStatus; redeliveries?: number } = {};
    if (r.status) patch.status = r.status;
    if (typeof r.redeliveries === 'number') patch.redeliveries = r.redeliveries;
    to.status(r.id, patch);
  } else if (r?.t === 'put' && typeof r.c === 'string' && typeof r.r?.id === 'string') to.put(r.c, r.r);
  else if (r?.t === 'del' && typeof r.c === 'string' && typeof r.id === 'string') to.del(r.c, r.id);
  else return false;
  return true;
}
