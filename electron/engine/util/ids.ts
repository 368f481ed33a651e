// Time-ordered ids: sorting ids sorts by creation time, which the store's
// segments and the feed's cursors rely on. 12 chars of ms time + 8 random.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

export function newId(prefix: string, now = Date.now()): string {
  if (now <= lastMs) {
    now = lastMs;
    seq++;
  } else {
    lastMs = now;
    seq = 0;
  }
  const time = now.toString(36).padStart(9, '0') + seq.toString(36).padStart(3, '0');
  return `${prefix}_${time}${randomBytes(5).toString('hex')}`;
}

/** The creation time encoded in an id made by newId. */
export function idTime(id: string): number {
  const t = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 10);
  return parseInt(t, 36);
}
