// The on-disk shapes of segments and their sidecars (see segments.ts), their
// file names, and reading one with quarantine of a damaged file.
import path from 'node:path';
import type { EventSummary } from '../../../shared/types';
import type { StoredEvent } from './types';
import { CorruptFileError, readJson } from './durable-file';

export interface SegmentFile {
  seq: number;
  events: StoredEvent[];
}

export interface SidecarFile {
  seq: number;
  sealed: boolean;
  segmentBytes: number;
  /** When the segment got its first event (ms, wall clock); absent in files from before it was kept. */
  openedAt?: number;
  events: EventSummary[];
}

export interface SegmentMeta {
  seq: number;
  ids: string[];
  oldestAt: string;
  newestAt: string;
  sealed: boolean;
  segmentBytes: number;
  /** Wall-clock ms when the first event was placed in it (0 while empty): the day-old seal rule uses this. */
  openedAt: number;
}

/** One file write of a checkpoint; `failed` puts the work back for the next one. */
export interface CheckpointTask {
  run: () => Promise<void>;
  failed: () => void;
}

export type Quarantine = (file: string, reason: string) => Promise<void>;

export const SEGMENT = /^events-(\d+)\.json$/;
export const SIDECAR = /^events-(\d+)\.idx\.json$/;
export const DAY = 86_400_000;
export const CACHE_SEGMENTS = 3;
export const READ_AHEAD = 3;
export const MAX_SEGMENT_BYTES = 32 * 1024 * 1024;

export function segmentPath(dir: string, seq: number): string {
  return path.join(dir, `events-${String(seq).padStart(6, '0')}.json`);
}

export function sidecarPath(dir: string, seq: number): string {
  return path.join(dir, `events-${String(seq).padStart(6, '0')}.idx.json`);
}

/** Reads a JSON file; a damaged one is moved aside (null). Missing: null. */
export async function readOrQuarantine<T>(file: string, quarantine: Quarantine): Promise<T | null> {
  try {
    return await readJson<T>(file);
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    await quarantine(file, err.message);
    return null;
  }
}
