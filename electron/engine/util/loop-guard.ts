// Stops webhook loops between Hookdock's outbox and a Hookdock receiver: a
// destination pointing at this Hookdock's own receiver (directly, or through
// its tunnel URL) turned one event into thousands in seconds, each delivery
// accepted as a new event whose automation sent it again.
//
// Every outgoing webhook carries `Hookdock-Trail: <install id>,...`: the ids of
// the Hookdock installs it passed through (taken from the event that caused the
// send, plus this install's own). A receiver that finds its own id in the trail
// (A -> A, or A -> B -> A), or a trail of MAX_HOPS installs, answers 508 Loop
// Detected (RFC 5842 §7.2) and keeps the request only as `rejected`, with the
// reason, in the feed. The outbox treats a 508 as final: the delivery fails at
// once and says why. The install id is random per data folder
// (DATA_DIR/install-id) and says nothing about the machine.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';

/** Request header on every outgoing webhook (lower-case, as node hands headers over). */
export const TRAIL_HEADER = 'hookdock-trail';
/** Response header on a 508 from a Hookdock receiver: 'self' | 'chain' | 'hops'. */
export const LOOP_HEADER = 'hookdock-loop';
/** A webhook relayed through this many Hookdock installs is refused even without a repeat. */
export const MAX_HOPS = 8;

export type LoopKind = 'self' | 'chain' | 'hops';

export interface LoopVerdict {
  kind: LoopKind;
  /** For the feed (the rejected event's reason) and the 508's body: a sentence saying what to do. */
  reason: string;
}

const ID = /^[0-9a-f]{32}$/;
const FILE = 'install-id';
const cache = new Map<string, string>();
/** Used where no data folder is given, or its file cannot be written: still unique to this process. */
const processId = randomBytes(16).toString('hex');

/**
 * This install's id (32 hex digits) for `dataDir`: read from DATA_DIR/install-id,
 * or made and written there (mode 0600) the first time. Synchronous and cached:
 * the receiver asks on every request. Never throws: an unreadable or unwritable
 * folder gives an id for this process only (loops back to this process are still caught).
 */
export function installIdFor(dataDir: string | undefined): string {
  if (!dataDir) return processId;
  const known = cache.get(dataDir);
  if (known) return known;
  const file = join(dataDir, FILE);
  let id: string;
  try {
    id = fs.readFileSync(file, 'utf8').trim();
    if (!ID.test(id)) throw new Error('not an install id');
  } catch {
    id = randomBytes(16).toString('hex');
    try {
      fs.writeFileSync(file, `${id}\n`, { mode: 0o600 });
    } catch {
      id = processId;
    }
  }
  cache.set(dataDir, id);
  return id;
}

/** The install ids in a trail header value, in order; anything that is not an id is ignored. */
export function parseTrail(value: string | undefined | null): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => ID.test(s));
}

/** The trail an outgoing webhook carries: the one it came in with (if any), then this install. */
export function outgoingTrail(upstream: string | undefined | null, installId: string): string {
  return [...parseTrail(upstream), installId].join(',');
}

/**
 * Whether a request arriving at the receiver is a loop. `headers`: lower-cased
 * names (receiver/event.ts flattenHeaders). Null for every request that does not
 * carry a Hookdock trail, i.e. every provider's.
 */
export function detectLoop(headers: Record<string, string | undefined>, installId: string): LoopVerdict | null {
  const trail = parseTrail(headers[TRAIL_HEADER]);
  if (trail.length === 0) return null;
  const at = trail.indexOf(installId);
  if (at === trail.length - 1) {
    return {
      kind: 'self',
      reason:
        "This request was sent by this Hookdock's own outbox: a destination points at this Hookdock's receiver " +
        '(its local or public URL), so every delivery would come back as a new event and be sent again. ' +
        'It was refused (508 Loop Detected); point the destination at another address.',
    };
  }
  if (at >= 0) {
    return {
      kind: 'chain',
      reason:
        `This webhook left this Hookdock and came back through ${trail.length - 1 - at} other Hookdock ` +
        `install(s), a loop. It was refused (508 Loop Detected); change a destination so they do not send to each other.`,
    };
  }
  if (trail.length >= MAX_HOPS) {
    return {
      kind: 'hops',
      reason:
        `This webhook has already passed through ${trail.length} Hookdock installs (at most ${MAX_HOPS - 1} are allowed), ` +
        'probably a loop. It was refused (508 Loop Detected); check the destinations along the way.',
    };
  }
  return null;
}

/** What the outbox records when a destination answers 508: a sentence, by the receiver's `Hookdock-Loop` answer. */
export function loopDeliveryError(kind: string | null): string {
  if (kind === 'self') {
    return "The destination is this Hookdock's own receiver (508 Loop Detected): each delivery would come back as a new event and be sent again, so it was stopped and is not retried. Point the destination at another address.";
  }
  if (kind === 'chain') {
    return 'The destination passes this webhook on until it comes back to this Hookdock (508 Loop Detected), so it was stopped and is not retried. Change a destination so the installs do not send to each other.';
  }
  if (kind === 'hops') {
    return 'The destination refused this webhook: it had passed through too many Hookdock installs (508 Loop Detected). It is not retried; check the destinations along the way.';
  }
  return 'The destination answered 508 Loop Detected, so this delivery is not retried. Check that the destination does not send webhooks back here.';
}
