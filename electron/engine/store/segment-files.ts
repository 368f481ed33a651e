// The on-disk shapes of segments and their sidecars (see segments.ts), their
// file names, and reading one with quarantine of a damaged file.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { EventStatus, EventSummary, StoreDamageKind } from '../../../shared/types';
import type { DamageNote } from './quarantine';
import type { StoredEvent } from './types';
import { CorruptFileError, fsyncDir, readJson } from './durable-file';
import { withPayload } from './event-payload';

/**
 * A new event held in memory until its segment file is written: the exact JSON
 * text the journal got (one flat string is far cheaper for the garbage
 * collector than the parsed body, payload and headers, and the checkpoint
 * writes it as is instead of serialising the event again), with the status and
 * redelivery count that text carries.
 */
export interface HeldJson {
  /**
   * The event's record as UTF-8 JSON: the bytes its journal line was written with (a view
   * into that line), not a string: a 1-2 KiB string per new event, held until the checkpoint,
   * was copied and promoted by V8's young-generation collector, and encoded to UTF-8 a second
   * time for the segment file (npm run bench ack).
   */
  json: Buffer;
  status: EventStatus;
  redeliveries: number;
}

/** An event in memory: held as text (new ones), or as read from a segment file. */
export type Held = StoredEvent | HeldJson;

/** The event as callers see it (its payload put back, when its record leaves it out). */
export function materialize(held: Held): StoredEvent {
  return withPayload(recordFrom(held));
}

/** The event as its record holds it: possibly without `payload` (see event-payload.ts). */
function recordFrom(held: Held): StoredEvent {
  return 'json' in held ? (JSON.parse(held.json.toString('utf8')) as StoredEvent) : held;
}

/** The event's JSON (UTF-8) as its segment must hold it: the held bytes when still current, else serialised. */
export function segmentJson(held: Held, s: EventSummary): Buffer {
  if ('json' in held && held.status === s.status && held.redeliveries === s.redeliveries) return held.json;
  return Buffer.from(JSON.stringify({ ...recordFrom(held), status: s.status, redeliveries: s.redeliveries }), 'utf8');
}

const COMMA = Buffer.from(',');
const SEGMENT_TAIL = Buffer.from(']}');

/** A segment file's bytes, exactly JSON.stringify(SegmentFile) as UTF-8, from its events' JSON bytes in order. */
export function segmentFileBytes(seq: number, events: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`{"seq":${seq},"events":[`)];
  events.forEach((json, k) => {
    if (k > 0) parts.push(COMMA);
    parts.push(json);
  });
  parts.push(SEGMENT_TAIL);
  return Buffer.concat(parts);
}

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
  /** Each event's search text (search-text.ts), in the order of `events`; absent in files from before search covered payloads. */
  search?: string[];
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

/** Moves an unreadable file into quarantine and reports it; `missing` reports damage with nothing to keep. */
export interface Quarantine {
  (file: string, reason: string, note?: DamageNote): Promise<void>;
  missing(file: string, kind: StoreDamageKind, message: string): Promise<void>;
}

export const SEGMENT = /^events-(\d+)\.json$/;
export const SIDECAR = /^events-(\d+)\.idx\.json$/;
/** A sidecar renamed by prune before it deletes the segment: a crash mid-prune is finished, not taken for damage. */
export const DROPPING = /^events-(\d+)\.dropping$/;
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

export function droppingPath(dir: string, seq: number): string {
  return path.join(dir, `events-${String(seq).padStart(6, '0')}.dropping`);
}

/**
 * Prune's delete of one segment: the sidecar is renamed aside first, so a crash
 * in between leaves a `.dropping` file that open() finishes, never a lone
 * sidecar (which open() takes for a lost segment and reports as damage).
 */
export async function deleteSegmentFiles(dir: string, seq: number): Promise<void> {
  await fsp.rename(sidecarPath(dir, seq), droppingPath(dir, seq)).then(
    () => fsyncDir(dir),
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    },
  );
  await fsp.rm(segmentPath(dir, seq), { force: true });
  await fsp.rm(droppingPath(dir, seq), { force: true });
}

/** Reads a JSON file; a damaged one is moved aside (null). Missing: null. */
export async function readOrQuarantine<T extends { events: unknown[] }>(
  file: string,
  quarantine: Quarantine,
  note?: DamageNote,
): Promise<T | null> {
  try {
    return await readSegmentFile<T>(file);
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    await quarantine(file, err.reason, note);
    return null;
  }
}

/**
 * A segment or sidecar; null when missing. Valid JSON without an `events` list
 * is damage too (CorruptFileError), never a crash of open().
 */
export async function readSegmentFile<T extends { events: unknown[] } = SegmentFile>(file: string): Promise<T | null> {
  const value = await readJson<T>(file);
  // null: no file, or a file holding `null` (damage, like any other shape without events).
  const exists =
    value !== null ||
    (await fsp.access(file).then(
      () => true,
      () => false,
    ));
  if (exists && !Array.isArray((value as { events?: unknown } | null)?.events))
    throw new CorruptFileError(file, 'it holds no list of events');
  return value;
}

/** "its 2000 events (received 2026-11-01T… to 2026-11-02T…)" from a sidecar's summaries. */
export function describeEvents(events: EventSummary[] | undefined): string {
  if (!events?.length) return 'its events';
  const times = events.map((e) => e.receivedAt).sort();
  return `its ${events.length} events (received ${times[0]} to ${times.at(-1)})`;
}
