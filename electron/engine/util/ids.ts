// Time-ordered ids: sorting ids sorts by creation time, which the store's
// segments and the feed's cursors rely on. 12 chars of ms time + 8 random.
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

// One randomBytes call per 512 ids instead of one per id: a synchronous
// syscall per webhook showed up in the receiver's profile (test/bench/ack.ts).
const POOL_IDS = 512;
const pool = Buffer.alloc(5 * POOL_IDS);
let poolAt = pool.length;

function randomHex5(): string {
  if (poolAt >= pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 5;
  return pool.toString('hex', poolAt - 5, poolAt);
}

export function newId(prefix: string, now = Date.now()): string {
  if (now <= lastMs) {
    now = lastMs;
    seq++;
  } else {
    lastMs = now;
    seq = 0;
  }
  const time = now.toString(36).padStart(9, '0') + seq.toString(36).padStart(3, '0');
  return `${prefix}_${time}${randomHex5()}`;
}

/**
 * Never mint an id at or below `id` (one made by newId, e.g. the newest stored event's):
 * called once the store is open, so a clock set back between two runs cannot make a new
 * event sort before one a follower has already read (store/settled.ts).
 */
export function raiseIdFloor(id: string): void {
  const at = id.indexOf('_') + 1;
  const ms = parseInt(id.slice(at, at + 9), 36);
  const s = parseInt(id.slice(at + 9, at + 12), 36);
  if (!Number.isFinite(ms) || !Number.isFinite(s)) return;
  if (ms > lastMs || (ms === lastMs && s > seq)) {
    lastMs = ms;
    seq = s;
  }
}

/** The creation time encoded in an id made by newId. */
export function idTime(id: string): number {
  const t = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 10);
  return parseInt(t, 36);
}
