// What an upload may hold before anyone knows whether it is genuine. Bodies are
// read into memory to be verified, so every upload reserves from one budget for
// the whole receiver what its body holds: at most FIRST_RESERVATION_BYTES to start
// (its Content-Length when smaller), doubling as its body arrives, up to its length
// or the limit; a compressed one the limit at once (it may inflate to it). A
// reservation lasts until the body has been read (it is verified at once, in the
// same turn) or the upload has ended without it. Declaring a large body therefore
// holds nothing a sender has not really sent: a stranger cannot fill the budget with
// a few uploads that declare 5 MB and send nothing. Past the budget, an upload whose
// body has stopped moving is closed to make room (a sender that stalls is a
// stranger's trick, not a provider's); when none has, the new one gets 503 with
// Retry-After before a byte of it is read, or, while its body arrives, as soon as
// it outgrows the room left.
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
import { sendJson } from './fast-path';
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

/**
 * What an uncompressed upload reserves before its body is read, at most (its Content-Length
 * when smaller: nearly every webhook); it grows as its body arrives (Admission.room).
 */
export const FIRST_RESERVATION_BYTES = 64 * 1024;

/**
 * Bytes an upload reserves before its body is read: its declared length, at most
 * FIRST_RESERVATION_BYTES (or the limit), also for a chunked one (both ask for more as they
 * grow: bodyGrows); the limit for a compressed one (it may inflate to the limit).
 */
export function declaredBodyBytes(req: IncomingMessage, maxBodyBytes: number): number {
  const encoding = req.headers['content-encoding'];
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return 0; // no body at all
  const identity = encoding === undefined || encoding.toLowerCase() === 'identity';
  if (!identity) return maxBodyBytes;
  const length = declared === undefined ? Infinity : Number(declared);
  return Math.min(Number.isFinite(length) && length >= 0 ? length : Infinity, FIRST_RESERVATION_BYTES, maxBodyBytes);
}

/**
 * Whether an uncompressed upload may outgrow its first reservation (declaredBodyBytes), so
 * its reading must ask Admission.room as it grows: chunked, or declaring more than
 * FIRST_RESERVATION_BYTES.
 */
export function bodyGrows(req: IncomingMessage): boolean {
  const declared = req.headers['content-length'];
  return declared === undefined || Number(declared) > FIRST_RESERVATION_BYTES;
}

export interface UploadBudget {
  /**
   * Reserves `bytes` for `req` until bodyRead(req), or until the upload ends without its
   * body (aborted, timed out, closed); false when the budget (bytes) cannot hold it even
   * after closing stalled uploads.
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
}

export function createUploadBudget(
  opts: { now?: () => number; stallMs?: number; onShed?: () => void } = {},
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

  const release = (req: IncomingMessage) => {
    const bytes = reading.get(req);
    if (bytes === undefined) return;
    reading.delete(req);
    total -= bytes;
  };

  const shedStalled = (needed: number, budget: number) => {
    for (const req of [...reading.keys()]) {
      if (total + needed <= budget) return;
      if (req.destroyed) {
        release(req);
        continue;
      }
      // A body fully read is being verified or stored: never cut.
      if (req.complete || !stalls.stalled(req.socket)) continue;
      release(req);
      req.socket.destroy();
      noteDiscarded(req.socket.bytesRead);
      opts.onShed?.();
    }
  };

  return {
    reserve(req, bytes, budget) {
      if (total + bytes > budget) shedStalled(bytes, budget);
      if (total + bytes > budget) return false;
      reading.set(req, bytes);
      total += bytes;
      stalls.track(req.socket);
      return true;
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
   * in-flight body budget. False once it has answered 429 or 503 (with Retry-After).
   */
  admit(
    source: SourceConfig,
    limits: Config['limits'],
    req: IncomingMessage,
    res: ServerResponse,
    now: number,
  ): boolean;
  /** After a failed verification: spends one of the source's tokens; false once it has answered 429. */
  allowFailure(sourceId: string, limits: Config['limits'], res: ServerResponse, now: number): boolean;
  /** The body of an admitted request has been read (or will not be): its share of the budget is free again. */
  bodyRead(req: IncomingMessage): void;
  /**
   * An upload that grows (bodyGrows) has read `size` bytes: true when its reservation covers
   * them (raised, doubling, up to its Content-Length or the limit); false when the budget
   * cannot: answer it with sendBusy.
   */
  room(req: IncomingMessage, size: number, limits: Config['limits']): boolean;
  /** Answers 503 busy with Retry-After and closes gracefully (what is still sent is discarded). */
  sendBusy(res: ServerResponse): void;
}

/** `now` (ms) judges which uploads have stalled; the receiver passes its clock. */
export function createAdmission(deps: { logger: Logger; now?: () => number }): Admission {
  const requests = createRateLimiter();
  const failures = createRateLimiter();
  let shed = 0;
  const uploads = createUploadBudget({
    now: deps.now,
    onShed: () => {
      // One line per hundred: a flood must not flood the log too.
      if (++shed % 100 === 1) deps.logger.warn(`closed ${shed} stalled uploads so far to make room for new ones`);
    },
  });

  return {
    admit(source, limits, req, res, now) {
      if (source.provider === 'none') {
        const taken = requests.take(source.id, now, limits.ratePerSecond, limits.burst);
        if (!taken.ok) {
          sendRateLimited(res, `Too many requests for source "${source.id}"`, taken.retryAfterSec);
          return false;
        }
      }
      const bytes = declaredBodyBytes(req, limits.maxBodyBytes);
      if (uploads.reserve(req, bytes, inFlightBodyBudget(limits.maxBodyBytes))) return true;
      sendBusy(res);
      return false;
    },
    bodyRead: uploads.bodyRead,
    room(req, size, limits) {
      const declared = Number(req.headers['content-length'] ?? Infinity);
      // Doubling: few raises per upload; never past what it declared or the limit.
      const want = Math.min(limits.maxBodyBytes, Number.isFinite(declared) ? declared : Infinity, 2 * size);
      return uploads.grow(req, want, inFlightBodyBudget(limits.maxBodyBytes));
    },
    sendBusy,
    allowFailure(sourceId, limits, res, now) {
      const taken = failures.take(sourceId, now, limits.ratePerSecond, limits.burst);
      if (taken.ok) return true;
      sendRateLimited(res, `Too many requests that failed verification for source "${sourceId}"`, taken.retryAfterSec);
      return false;
    },
  };
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
