// How many files this process may hold open, and how many connections each
// server may therefore keep. Node has no setrlimit; it raises its own soft
// RLIMIT_NOFILE to the hard limit at start-up (node.cc, PlatformInit), so what
// /proc/self/limits says here is already as high as the OS lets this process go.
import { readFileSync } from 'node:fs';

/** Used where the limit cannot be read (no /proc: macOS, Windows). */
export const ASSUMED_OPEN_FILE_LIMIT = 1024;
/** Descriptors kept back for the store, logs, scripts' pipes and the tunnel. */
export const RESERVED_FDS = 128;
/** The dashboard's own connections: kept out of the receiver's share so it stays reachable. */
export const DASHBOARD_MAX_CONNECTIONS = 64;
/** Even with a huge limit, more connections than this are only an attacker's. */
const RECEIVER_CEILING = 10_000;
const RECEIVER_FLOOR = 32;

/**
 * The soft "Max open files" from the text of /proc/self/limits, or null when
 * the text has no such line (or says "unlimited").
 */
export function parseOpenFileLimit(limitsText: string): number | null {
  const m = /^Max open files\s+(\d+)\s/m.exec(limitsText);
  return m ? Number(m[1]) : null;
}

/** This process's soft open-file limit; `ASSUMED_OPEN_FILE_LIMIT` when it cannot be read. */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): {
  limit: number;
  known: boolean;
} {
  try {
    const limit = parseOpenFileLimit(read());
    if (limit !== null) return { limit, known: true };
  } catch {
    // not Linux
  }
  return { limit: ASSUMED_OPEN_FILE_LIMIT, known: false };
}

/**
 * Connections the receiver keeps at most for an open-file limit: the limit less
 * the dashboard's share and `RESERVED_FDS`, within [32, 10,000].
 * E.g. 1024 -> 832.
 */
export function receiverConnectionCap(fileLimit: number): number {
  const share = fileLimit - DASHBOARD_MAX_CONNECTIONS - RESERVED_FDS;
  return Math.max(RECEIVER_FLOOR, Math.min(RECEIVER_CEILING, share));
}
