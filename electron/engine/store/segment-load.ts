// Reading segment files at open (see segments.ts for the layout): the folder
// scan and the decision, per segment, of what its files say. Segments.load()
// puts the results into memory and the index.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { EventSummary } from '../../../shared/types';
import type { StoredEvent } from './types';
import { toSummary } from './event-index';
import { CorruptFileError, readJson } from './durable-file';
import { withPayload } from './event-payload';
import { searchTextOf } from './search-text';
import {
  DROPPING,
  SEGMENT,
  SIDECAR,
  describeEvents,
  droppingPath,
  readOrQuarantine,
  readSegmentFile,
  segmentPath,
  sidecarPath,
  type Quarantine,
  type SegmentFile,
  type SidecarFile,
} from './segment-files';

export interface SegmentDir {
  /** Every seq with a segment or a sidecar, ascending. */
  all: number[];
  segs: Set<number>;
  sides: Set<number>;
  /** The highest seq with a segment file (0: none). */
  lastSeq: number;
}

/**
 * Lists the segment folder. Leftover temp files of an interrupted write are
 * deleted (their rename never happened: nothing in them was acknowledged), and
 * a prune a crash interrupted (a `.dropping` file) is finished.
 */
export async function scanSegmentDir(dir: string): Promise<SegmentDir> {
  await fsp.mkdir(dir, { recursive: true });
  const segs = new Set<number>();
  const sides = new Set<number>();
  const names = await fsp.readdir(dir);
  for (const n of names) {
    const dropping = DROPPING.exec(n);
    if (!dropping) continue;
    const seq = Number(dropping[1]);
    await fsp.rm(segmentPath(dir, seq), { force: true });
    await fsp.rm(droppingPath(dir, seq), { force: true });
    segs.add(-seq); // marks the seq as pruned for the loop below
  }
  for (const n of names) {
    if (n.endsWith('.tmp')) await fsp.rm(path.join(dir, n), { force: true });
    else if (SEGMENT.test(n)) {
      const seq = Number(SEGMENT.exec(n)![1]);
      if (!segs.has(-seq)) segs.add(seq);
    } else if (SIDECAR.test(n)) sides.add(Number(SIDECAR.exec(n)![1]));
  }
  for (const seq of [...segs]) if (seq < 0) segs.delete(seq);
  const all = [...new Set([...segs, ...sides])].sort((a, b) => a - b);
  return { all, segs, sides, lastSeq: segs.size ? Math.max(...segs) : 0 };
}

/**
 * A sealed segment's summaries from its sidecar; rebuilt from the segment when
 * the sidecar is lost (`rebuilt`: it must be written again; reported as
 * damage when there was no sidecar file at all, `hadSidecar` false). Null when
 * the segment is gone or damaged (then quarantined with its sidecar).
 */
export async function readSealedSegment(
  dir: string,
  seq: number,
  side: SidecarFile | null,
  quarantine: Quarantine,
  hadSidecar = true,
): Promise<{ summaries: EventSummary[]; texts: string[]; size: number; rebuilt: boolean } | null> {
  let size: number;
  try {
    size = (await fsp.stat(segmentPath(dir, seq))).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await quarantineLoneSidecar(dir, seq, quarantine);
    return null;
  }
  if (side && side.segmentBytes !== size) {
    await quarantine(segmentPath(dir, seq), `its size is ${size} bytes, its index recorded ${side.segmentBytes}`, {
      kind: 'size-mismatch',
      lost: `${capital(describeEvents(side.events))} are not shown; its index was moved to quarantine too.`,
    });
    await quarantine(sidecarPath(dir, seq), 'its segment was damaged', { companion: true });
    return null;
  }
  if (side?.search && side.search.length === side.events.length)
    return { summaries: side.events, texts: side.search, size, rebuilt: false };
  // Lost or unreadable sidecar, or one from before search texts: rebuild it from the segment itself.
  const seg = await readOrQuarantine<SegmentFile>(segmentPath(dir, seq), quarantine, {
    lost: 'Its events are not shown, and it had no readable index to list them.',
  });
  if (!seg) return null;
  // Checkpoints write a segment before its sidecar and only the last one can be
  // caught between the two, so a sealed one without its sidecar is damage.
  if (!hadSidecar)
    await quarantine.missing(
      sidecarPath(dir, seq),
      'missing-index',
      `The index file ${sidecarPath(dir, seq)} was missing, so it was rebuilt from its ${seg.events.length} events: ` +
        'status changes made after they were first saved (done, failed, redeliveries) may show older values.',
    );
  // The sidecar (when there is one) stays authoritative for status and redeliveries.
  const overrides = new Map((side?.events ?? []).map((s) => [s.id, s]));
  const summaries = seg.events.map((e) => {
    const o = overrides.get(e.id);
    return o ? { ...toSummary(e), status: o.status, redeliveries: o.redeliveries } : toSummary(e);
  });
  return { summaries, texts: seg.events.map(textOf), size, rebuilt: true };
}

/**
 * The last segment, read in full: it may be the hot one, with a sidecar older
 * than its data. The sidecar is authoritative for status and redeliveries.
 */
export async function readLastSegment(
  dir: string,
  seq: number,
  quarantine: Quarantine,
): Promise<{
  summaries: EventSummary[];
  texts: string[];
  events: StoredEvent[];
  size: number;
  sealed: boolean;
  openedAt: number | undefined;
  sidecarStale: boolean;
} | null> {
  let seg: SegmentFile | null;
  try {
    seg = await readSegmentFile(segmentPath(dir, seq));
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    const lost = `${capital(describeEvents(await peekSidecar(dir, seq)))} are not shown; its index was moved to quarantine too.`;
    await quarantine(segmentPath(dir, seq), err.reason, { lost });
    // Never deleted: the index lists what the damaged segment held.
    await quarantine(sidecarPath(dir, seq), 'its segment was damaged', { companion: true });
    return null;
  }
  if (!seg) {
    await quarantineLoneSidecar(dir, seq, quarantine);
    return null;
  }
  const side = await readOrQuarantine<SidecarFile>(sidecarPath(dir, seq), quarantine, {
    lost: 'It was rebuilt from the events themselves.',
  });
  const size = (await fsp.stat(segmentPath(dir, seq))).size;
  const overrides = new Map((side?.events ?? []).map((s) => [s.id, s]));
  const summaries = seg.events.map((e) => {
    const o = overrides.get(e.id);
    const s = toSummary(e);
    return o ? { ...s, status: o.status, redeliveries: o.redeliveries } : s;
  });
  const sidecarStale = !side || side.segmentBytes !== size || side.events.length !== seg.events.length;
  return {
    summaries,
    texts: seg.events.map(textOf),
    events: seg.events,
    size,
    sealed: side?.sealed === true && !sidecarStale,
    openedAt: side?.openedAt,
    sidecarStale,
  };
}

/** The summaries a sidecar lists, or undefined when it is missing or unreadable (only to word a message). */
export async function peekSidecar(dir: string, seq: number): Promise<EventSummary[] | undefined> {
  const side = await readJson<SidecarFile>(sidecarPath(dir, seq)).catch(() => null);
  return Array.isArray(side?.events) ? side.events : undefined;
}

/**
 * A sidecar whose segment file is gone: the segment's events cannot be read,
 * so the sidecar (the only list of them) goes to quarantine and the loss is
 * reported. Prune never leaves one (it renames the sidecar aside first).
 */
export async function quarantineLoneSidecar(dir: string, seq: number, quarantine: Quarantine): Promise<void> {
  const events = await peekSidecar(dir, seq);
  const seg = segmentPath(dir, seq);
  await quarantine(sidecarPath(dir, seq), 'its segment file is missing', {
    kind: 'missing-segment',
    file: seg,
    headline: `The event file ${seg} is missing.`,
    lost: `${capital(describeEvents(events))} cannot be shown or replayed.`,
    kept: 'Its index (the list of those events)',
    restore: `to get them back, put ${path.basename(seg)} back from a backup (same folder, same name) and restart Hookdock.`,
  });
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A sealed segment read after open (its events were listed by its sidecar).
 * Null when it is damaged (moved to quarantine with its sidecar) or gone (its
 * sidecar moved to quarantine); either is reported with the `count` events lost.
 */
export async function readOrLoseSegment(
  dir: string,
  seq: number,
  count: number,
  quarantine: Quarantine,
): Promise<SegmentFile | null> {
  let seg: SegmentFile | null;
  try {
    seg = await readSegmentFile(segmentPath(dir, seq));
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    const lost = `Its ${count} events are no longer shown; its index was moved to quarantine too.`;
    await quarantine(segmentPath(dir, seq), err.reason, { lost });
    await quarantine(sidecarPath(dir, seq), 'its segment was damaged', { companion: true }).catch(() => {});
    return null;
  }
  if (!seg) await quarantineLoneSidecar(dir, seq, quarantine).catch(() => {});
  return seg;
}

function textOf(e: StoredEvent): string {
  return searchTextOf(withPayload(e));
}
