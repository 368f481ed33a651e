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

/** The creation time encoded in an id made by newId. */
export function idTime(id: string): number {
  const t = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 10);
  return parseInt(t, 36);
}
