// Checkpoint and the retention clean-up of linked records, kept apart from the
// store's public surface. The crash-safety argument is in store.ts.
import type { Faults } from './durable-file';
import { PENDING, type EventIndex } from './event-index';
import type { Journal } from './journal';
import type { CheckpointTask, Segments } from './segments';
import type { HeldJson } from './segment-files';
import type { StoredCollection } from './collections';
import { idTime } from '../util/ids';

export interface CheckpointParts {
  journal: Journal;
  segments: Segments;
  collections: Iterable<StoredCollection<{ id: string }>>;
  index: EventIndex;
  /** Journalled events not yet in a segment; emptied by the checkpoint. */
  pending: Map<string, HeldJson>;
  now: number;
  faults: Faults;
}

/**
 * Renames the journal aside, snapshots memory synchronously (it then holds
 * exactly what the renamed journals hold), writes the files in order, and
 * only then deletes the renamed journals. A failed write puts its work back
 * for the next checkpoint and leaves the journals in place.
 */
export async function runCheckpoint(p: CheckpointParts, force: boolean): Promise<void> {
  const collections = [...p.collections];
  const idle =
    p.journal.bytes === 0 &&
    !p.journal.rotated.length &&
    !p.pending.size &&
    !p.segments.isDirty &&
    !collections.some((c) => c.isDirty);
  if (idle && !force) return;
  try {
    await p.journal.rotate();
  } catch (err) {
    p.journal.resume();
    throw err;
  }
  let tasks: CheckpointTask[];
  try {
    tasks = p.segments.snapshot([...p.pending], p.now);
    for (const coll of collections) tasks.push(...coll.snapshot(p.faults));
  } finally {
    // Only what the snapshot really placed in a segment leaves `pending`: an
    // event left out is written by the next checkpoint, never forgotten.
    for (const id of [...p.pending.keys()]) if (p.index.get(id)?.seg !== PENDING) p.pending.delete(id);
    p.journal.resume();
  }
  for (let i = 0; i < tasks.length; i++) {
    try {
      await tasks[i].run();
    } catch (err) {
      for (let j = i; j < tasks.length; j++) tasks[j].failed();
      throw err;
    }
  }
  await p.journal.dropRotated();
}

/**
 * Deletes runs and deliveries whose event is gone: dropped by this prune, or
 * left behind by a crash during an earlier one (event unknown and older than
 * the cutoff). Returns how many were deleted.
 */
export async function deleteLinkedRecords(
  collections: StoredCollection<{ id: string }>[],
  index: EventIndex,
  dropped: Set<string>,
  cutoff: number,
): Promise<number> {
  const deletes: Promise<void>[] = [];
  for (const coll of collections) {
    for (const rec of [...coll.values()] as { id: string; eventId?: unknown }[]) {
      const eventId = rec.eventId;
      if (typeof eventId !== 'string' || index.has(eventId)) continue;
      if (dropped.has(eventId) || idTime(eventId) < cutoff) deletes.push(coll.delete(rec.id));
    }
  }
  await Promise.all(deletes);
  return deletes.length;
}
