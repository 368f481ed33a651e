// What an upload may hold before anyone knows whether it is genuine. Bodies are
// read into memory to be verified, so uploads reserve memory from two budgets:
// - Webhook-sized ones (a Content-Length up to SMALL_BODY_BYTES, or chunked) from
//   the small-body budget, by what they really hold: nothing when their headers
//   arrive, then, while more is to come, what they have sent (doubling, from
//   GROWTH_MIN_BYTES, up to their length or the limit). A body that arrives whole
//   in one read (nearly every webhook) asks for nothing: it is verified at once, in
//   that same turn. Opening many uploads that send a little holds next to nothing.
// - Large ones (a longer Content-Length: their declared length, up to the limit) and
//   compressed ones (the limit: they may inflate to it) from the large-body budget,
//   in full when their headers arrive, so one that cannot fit is refused before a
//   byte of it is read (reading it to refuse it later read, and dropped, far more).
// So strangers' uploads that declare large bodies can keep only other large bodies
// out, never a webhook-sized one. A reservation lasts until the body has been read
// or the upload has ended without it. When a budget is full, an upload in it whose
// body has stopped moving is closed to make room (a sender that stalls is a
// stranger's trick, not a provider's); when none has, a new upload gets 503 with
// Retry-After before a byte of it is read, and a growing one as soon as it outgrows
// the room left.
//
// Rate limits follow one rule: a correctly signed request is never refused
// because of anyone else's unverified traffic. A source's rate budget
// (limits.ratePerSecond, limits.burst) is spent by failed verifications only,
// checked after verifying; a `none` source, where nothing can fail, spends it on
// every request.
import { lingerAfterAnswer, noteDiscarded } from './linger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Config, SourceConfig } from '../../../shared/config';
import { createStallWatch, STALL_MS } from '../util/http-guard';
import type { Logger } from '../util/logger';
import { sendJson, type BodyGrowth } from './fast-path';
import { createRateLimiter } from './rate-limit';

/**
 * Smallest in-flight body budget (bytes); it grows to two maximal bodies when limits.maxBodyBytes
 * is larger. What stalled uploads hold stays in memory as garbage until V8's next full
 * collection, which an idle receiver may not run for a while after they close: 16 MiB keeps
 * RSS within 50 MiB of idle 3 s after 200 stalled 5 MB uploads and 300 slowloris
 * connections (32 MiB left it 55 MiB over; test/bench/_slowloris.ts).
 */
export const MIN_IN_FLIGHT_BODY_BYTES = 16 * 1024 * 1024;
export const BUSY_RETRY_AFTER_SEC = 5;

/** The in-flight budget (bytes) for a body limit (bytes): max(16 MiB, 2 x limit). */
export function inFlightBodyBudget(maxBodyBytes: number): number {
  return Math.max(MIN_IN_FLIGHT_BODY_BYTES, 2 * maxBodyBytes);
}

/** The smallest reservation of an upload whose body is arriving (then doubling with it), in bytes. */
export const GROWTH_MIN_BYTES = 4 * 1024;
/** Webhook-sized: a Content-Length up to this (bytes) is reserved as it arrives, from the small-body budget. */
export const SMALL_BODY_BYTES = 64 * 1024;
/** The small-body budget (bytes). */
export const SMALL_BODY_BUDGET_BYTES = 16 * 1024 * 1024;
/**
 * A webhook-sized upload still arriving this long after it started (ms) may be closed to make
 * room, even if it keeps trickling: 64 KiB takes well under a second from any provider, and
 * strangers filling the budget with uploads that trickle just fast enough to never stall had
 * kept genuine webhooks out.
 */
export const SMALL_BODY_MAX_AGE_MS = 5_000;

/**
 * Bytes an upload reserves when its headers arrive, and from which budget: none from the
 * small-body one for an uncompressed upload declaring up to SMALL_BODY_BYTES or chunked (it
 * asks Admission.room as its body arrives); its declared length (up to the limit) from the
 * large-body one for a longer upload; the limit for a compressed one (it may inflate to it).
 */
export function upfrontBodyBytes(req: IncomingMessage, maxBodyBytes: number): { bytes: number; large: boolean } {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return { bytes: maxBodyBytes, large: true };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > SMALL_BODY_BYTES)
    return { bytes: Math.min(declared, maxBodyBytes), large: true };
  return { bytes: 0, large: false };
}

/** Whether reading the body of `req` must ask Admission.room as it arrives (upfrontBodyBytes reserved none of it). */
export function reservesAsItArrives(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const declared = Number(req.headers['content-length'] ?? NaN);
  return !(Number.isFinite(declared) && declared > SMALL_BODY_BYTES);
}

export interface UploadBudget {
  /**
   * Reserves `bytes` (0: none yet) for `req` until bodyRead(req), or until the upload ends
   * without its body (aborted, timed out, closed); false when the budget (bytes) cannot hold
   * it, and at least one byte more, even after closing stalled uploads.
   */
  reserve(req: IncomingMessage, bytes: number, budget: number): boolean;
  /** The body of `req` has been read (or will not be): its reservation ends. Idempotent. */
  bodyRead(req: IncomingMessage): void;
  /**
   * Raises the reservation of `req` to `bytes` (a chunked upload that grew); false when the
   * budget cannot hold it even after closing stalled uploads. True for a request not reserved.
   */
  grow(req: IncomingMessage, bytes: number, budget: number): boolean;
  /** Bytes reserved now. */
  inFlight(): number;
  /**
   * Queues `req` (refused by reserve) for `bytes`: `go` is called once they fit, offered to the
   * waiting in arrival order (one that does not fit yet lets a later one that does go first);
   * `expire` after WAIT_MS without room, or never if the sender has gone. Room comes back as
   * uploads are read, end, or stall (or fall behind) and are closed.
   */
  wait(req: IncomingMessage, bytes: number, budget: number, go: () => void, expire: () => void): void;
}

/** How long a large upload waits for room before it gets 503 busy, in ms. */
export const WAIT_MS = 5_000;
/** How often waiting uploads look for room while any waits, in ms. */
const WAIT_CHECK_MS = 100;

interface Waiter {
  req: IncomingMessage;
  bytes: number;
  budget: number;
  go: () => void;
  expire: () => void;
  until: number;
}

export function createUploadBudget(
  opts: {
    now?: () => number;
    stallMs?: number;
    /** An upload still unread this long after it started (ms) may be closed for room, moving or not. */
    maxAgeMs?: number;
    onShed?: () => void;
  } = {},
): UploadBudget {
  const now = opts.now ?? Date.now;
  const stallMs = opts.stallMs ?? STALL_MS;
  /**
   * Uploads whose body is being read, oldest first, with their reserved bytes. Nothing is
   * added per request beyond this entry (no listener, no closure): this runs on every
   * webhook, and the entry leaves as soon as the body is read. Holding every request until
   * its answer instead made V8 promote each one's objects to the old generation (~3 KB more
   * per webhook for the scavenger to copy: npm run bench ack, CPU per ack).
   */
  const reading = new Map<IncomingMessage, number>();
  function* uploading(): Generator<Socket> {
    for (const req of reading.keys()) {
      if (req.destroyed)
        release(req); // ended without its body: aborted, timed out, shed
      else if (!req.complete) yield req.socket;
    }
  }
  const stalls = createStallWatch(uploading, now, stallMs);
  let total = 0;

  const waiters: Waiter[] = [];
  let waitTimer: NodeJS.Timeout | null = null;

  const release = (req: IncomingMessage) => {
    const bytes = reading.get(req);
    if (bytes === undefined) return;
    reading.delete(req);
    total -= bytes;
    if (waiters.length) queueMicrotask(admitWaiters);
  };

  const take = (req: IncomingMessage, bytes: number) => {
    reading.set(req, bytes);
    total += bytes;
    stalls.track(req.socket);
  };

  /** Lets waiting uploads in, first come first served, while they fit; expires the old ones. */
  function admitWaiters(): void {
    for (const req of [...reading.keys()]) if (req.destroyed) release(req);
    const t = now();
    let k = 0;
    while (k < waiters.length) {
      const w = waiters[k]!;
      const need = Math.max(w.bytes, 1);
      if (w.req.destroyed) {
        waiters.splice(k, 1); // the sender has gone: nobody to answer
        continue;
      }
      if (total + need > w.budget) shedStalled(need, w.budget);
      if (total + need <= w.budget) {
        waiters.splice(k, 1);
        take(w.req, w.bytes);
        w.go();
        continue;
      }
      if (t >= w.until) {
        waiters.splice(k, 1);
        w.expire();
        continue;
      }
      k++; // waits on; one behind it that fits may go first
    }
    if (!waiters.length && waitTimer) {
      clearInterval(waitTimer);
      waitTimer = null;
    }
  }

  const shedStalled = (needed: number, budget: number) => {
    for (const req of [...reading.keys()]) {
      if (total + needed <= budget) return;
      if (req.destroyed) {
        release(req);
        continue;
      }
      // A body fully read is being verified or stored: never cut.
      const bodyBytes = Number(req.headers['content-length'] ?? 0) || 0;
      if (req.complete || !stalls.stalled(req.socket, { maxAgeMs: opts.maxAgeMs, bodyBytes })) continue;
      release(req);
      req.socket.destroy();
      noteDiscarded(req.socket.bytesRead);
      opts.onShed?.();
    }
  };

  return {
    reserve(req, bytes, budget) {
      const need = Math.max(bytes, 1); // a full budget refuses even an upload that holds nothing yet
      // Closing stalled uploads makes room for those already waiting first.
      if (total + need > budget && !waiters.length) shedStalled(need, budget);
      if (total + need > budget) return false;
      take(req, bytes);
      return true;
    },
    wait(req, bytes, budget, go, expire) {
      waiters.push({ req, bytes, budget, go, expire, until: now() + WAIT_MS });
      if (!waitTimer) {
        waitTimer = setInterval(admitWaiters, WAIT_CHECK_MS);
        waitTimer.unref();
      }
    },
    bodyRead: release,
    grow(req, bytes, budget) {
      const held = reading.get(req);
      if (held === undefined || bytes <= held) return true;
      const extra = bytes - held;
      if (total + extra > budget) shedStalled(extra, budget);
      if (total + extra > budget) return false;
      reading.set(req, bytes);
      total += extra;
      return true;
    },
    inFlight: () => total,
  };
}

export interface Admission {
  /**
   * Before a byte of the body is read: a `none` source's rate limit, then the
   * in-flight body budget. True when admitted now; false once it has answered 429 or 503
   * (with Retry-After), or when a large upload waits for room: `later` is then called once
   * it is admitted (or 503 answered after WAIT_MS). `later` is shared, not made per request.
   */
  admit(
    source: SourceConfig,
    limits: Config['limits'],
    req: IncomingMessage,
    res: ServerResponse,
    now: number,
    later: (req: IncomingMessage, res: ServerResponse, source: SourceConfig) => void,
  ): boolean;
  /** After a failed verification: spends one of the source's tokens; false once it has answered 429. */
  allowFailure(sourceId: string, limits: Config['limits'], res: ServerResponse, now: number): boolean;
  /** The body of an admitted request has been read (or will not be): its share of the budget is free again. */
  bodyRead(req: IncomingMessage): void;
  /**
   * An upload that reserves as it arrives (reservesAsItArrives) has read `size` bytes and more
   * are coming: true when its reservation covers them (raised, doubling from GROWTH_MIN_BYTES,
   * up to its Content-Length or the limit); false when the small-body budget cannot: answer
   * it with sendBusy.
   */
  room(req: IncomingMessage, size: number, limits: Config['limits']): boolean;
  /**
   * What reading the body of `req` asks as it arrives (room, then 503 busy when there is none):
   * one object for the whole receiver; undefined for an upload reserved in full before its body.
   */
  growthFor(req: IncomingMessage): BodyGrowth | undefined;
  /** Answers 503 busy with Retry-After and closes gracefully (what is still sent is discarded). */
  sendBusy(res: ServerResponse): void;
}

/** `config` is the current one (its limits are read as bodies grow); `now` (ms) judges which uploads have stalled. */
export function createAdmission(deps: { logger: Logger; config: () => Config; now?: () => number }): Admission {
  const requests = createRateLimiter();
  const failures = createRateLimiter();
  let shed = 0;
  const onShed = () => {
    // One line per hundred: a flood must not flood the log too.
    if (++shed % 100 === 1) deps.logger.warn(`closed ${shed} stalled uploads so far to make room for new ones`);
  };
  const small = createUploadBudget({ now: deps.now, onShed, maxAgeMs: SMALL_BODY_MAX_AGE_MS });
  const large = createUploadBudget({ now: deps.now, onShed });

  const growth: BodyGrowth = {
    room: (req, size) => admission.room(req, size, deps.config().limits),
    refused: (req, res) => {
      admission.bodyRead(req);
      sendBusy(res);
    },
  };

  const admission: Admission = {
    growthFor: (req) => (reservesAsItArrives(req) ? growth : undefined),
    admit(source, limits, req, res, now, later) {
      if (source.provider === 'none') {
        const taken = requests.take(source.id, now, limits.ratePerSecond, limits.burst);
        if (!taken.ok) {
          sendRateLimited(res, `Too many requests for source "${source.id}"`, taken.retryAfterSec);
          return false;
        }
      }
      const upfront = upfrontBodyBytes(req, limits.maxBodyBytes);
      const uploads = upfront.large ? large : small;
      const budget = upfront.large ? inFlightBodyBudget(limits.maxBodyBytes) : SMALL_BODY_BUDGET_BYTES;
      if (uploads.reserve(req, upfront.bytes, budget)) return true;
      // Full: wait in line (its body unread) for another to be read, end, stall or grow too old.
      uploads.wait(
        req,
        upfront.bytes,
        budget,
        () => later(req, res, source),
        () => sendBusy(res),
      );
      return false;
    },
    bodyRead(req) {
      small.bodyRead(req);
      large.bodyRead(req);
    },
    room(req, size, limits) {
      const declared = Number(req.headers['content-length'] ?? Infinity);
      // Doubling: few raises per upload; never past what it declared or the limit.
      const want = Math.min(
        limits.maxBodyBytes,
        Number.isFinite(declared) ? declared : Infinity,
        Math.max(GROWTH_MIN_BYTES, 2 * size),
      );
      return small.grow(req, want, SMALL_BODY_BUDGET_BYTES);
    },
    sendBusy,
    allowFailure(sourceId, limits, res, now) {
      const taken = failures.take(sourceId, now, limits.ratePerSecond, limits.burst);
      if (taken.ok) return true;
      sendRateLimited(res, `Too many requests that failed verification for source "${sourceId}"`, taken.retryAfterSec);
      return false;
    },
  };
  return admission;
}

function sendBusy(res: ServerResponse): void {
  res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SEC));
  res.shouldKeepAlive = false; // its body is not read (to its end): the connection cannot carry another request
  lingerAfterAnswer(res); // but the sender must still see the 503, not a reset
  sendJson(res, 503, {
    error: {
      code: 'busy',
      message: `Hookdock is receiving too many uploads at once. Please send this again in ${BUSY_RETRY_AFTER_SEC} s.`,
    },
  });
}

function sendRateLimited(res: ServerResponse, what: string, retryAfterSec: number): void {
  res.setHeader('Retry-After', String(retryAfterSec));
  sendJson(res, 429, { error: { code: 'rate_limited', message: `${what}: retry in ${retryAfterSec} s.` } });
}
