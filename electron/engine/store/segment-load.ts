// Reading segment files at open (see segments.ts for the layout): the folder
// scan and the decision, per segment, of what its files say. Segments.load()
// puts the results into memory and the index.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { EventSummary } from '../../../shared/types';
import type { StoredEvent } from './types';
import { toSummary } from './event-index';
import { withPayload } from './event-payload';
import { searchTextOf } from './search-text';
import {
  SEGMENT,
  SIDECAR,
  readOrQuarantine,
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

/** Lists the segment folder; leftover temp files of an interrupted write are deleted. */
export async function scanSegmentDir(dir: string): Promise<SegmentDir> {
  await fsp.mkdir(dir, { recursive: true });
  const segs = new Set<number>();
  const sides = new Set<number>();
  for (const n of await fsp.readdir(dir)) {
    if (n.endsWith('.tmp')) await fsp.rm(path.join(dir, n), { force: true });
    else if (SEGMENT.test(n)) segs.add(Number(SEGMENT.exec(n)![1]));
    else if (SIDECAR.test(n)) sides.add(Number(SIDECAR.exec(n)![1]));
  }
  const all = [...new Set([...segs, ...sides])].sort((a, b) => a - b);
  return { all, segs, sides, lastSeq: segs.size ? Math.max(...segs) : 0 };
}

/**
 * A sealed segment's summaries from its sidecar; rebuilt from the segment when
 * the sidecar is lost (`rebuilt`: it must be written again). Null when the
 * segment is gone or damaged (then quarantined with its sidecar).
 */
export async function readSealedSegment(
  dir: string,
  seq: number,
  side: SidecarFile | null,
  quarantine: Quarantine,
): Promise<{ summaries: EventSummary[]; texts: string[]; size: number; rebuilt: boolean } | null> {
  let size: number;
  try {
    size = (await fsp.stat(segmentPath(dir, seq))).size;
  } catch {
    return null;
  }
  if (side && side.segmentBytes !== size) {
    await quarantine(segmentPath(dir, seq), `segment size ${size} differs from the recorded ${side.segmentBytes}`);
    await quarantine(sidecarPath(dir, seq), 'its segment was damaged');
    return null;
  }
  if (side?.search && side.search.length === side.events.length)
    return { summaries: side.events, texts: side.search, size, rebuilt: false };
  // Lost or unreadable sidecar, or one from before search texts: rebuild it from the segment itself.
  const seg = await readOrQuarantine<SegmentFile>(segmentPath(dir, seq), quarantine);
  if (!seg) return null;
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
  const seg = await readOrQuarantine<SegmentFile>(segmentPath(dir, seq), quarantine);
  if (!seg) {
    await fsp.rm(sidecarPath(dir, seq), { force: true });
    return null;
  }
  const side = await readOrQuarantine<SidecarFile>(sidecarPath(dir, seq), quarantine);
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

function textOf(e: StoredEvent): string {
  return searchTextOf(withPayload(e));
}
