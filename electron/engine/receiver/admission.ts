// What an upload may hold before anyone knows whether it is genuine. Bodies are
// read into memory to be verified, so every upload reserves what it may grow to
// (its Content-Length, or the body limit when the length is unknown or encoded)
// from one budget for the whole receiver, until its answer is sent. Past the
// budget, an upload whose body has stopped moving is closed to make room
// (a sender that stalls is a stranger's trick, not a provider's); when none
// has, the new one gets 503 with Retry-After before a byte of it is read.
//
// Rate limits follow one rule: a correctly signed request is never refused
// because of anyone else's unverified traffic. A source's rate budget
// (limits.ratePerSecond, limits.burst) is spent by failed verifications only,
// checked after verifying; a `none` source, where nothing can fail, spends it on
// every request.
import { lingerAfterAnswer } from './linger';
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

/** The in-flight budget (bytes) for a body limit (bytes): max(32 MiB, 2 x limit). */
export function inFlightBodyBudget(maxBodyBytes: number): number {
  return Math.max(MIN_IN_FLIGHT_BODY_BYTES, 2 * maxBodyBytes);
}

/** Bytes an upload may come to in memory: its declared length (capped at the limit), else the limit. */
export function declaredBodyBytes(req: IncomingMessage, maxBodyBytes: number): number {
  const encoding = req.headers['content-encoding'];
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return 0; // no body at all
  const length = Number(declared);
  if ((encoding === undefined || encoding.toLowerCase() === 'identity') && Number.isFinite(length) && length >= 0) {
    return Math.min(length, maxBodyBytes);
  }
  return maxBodyBytes; // chunked, or compressed: it may inflate to the limit
}

export interface UploadBudget {
  /**
   * Reserves `bytes` for `req` until `res` closes; false when the budget (bytes)
   * cannot hold it even after closing stalled uploads.
   */
  reserve(req: IncomingMessage, res: ServerResponse, bytes: number, budget: number): boolean;
  /** Bytes reserved now. */
  inFlight(): number;
}

export function createUploadBudget(
  opts: { now?: () => number; stallMs?: number; onShed?: () => void } = {},
): UploadBudget {
  const now = opts.now ?? Date.now;
  const stallMs = opts.stallMs ?? STALL_MS;
  /**
   * Uploads whose body is still being read: the only ones that can be shed (a body read to
   * its end is being verified or stored). Insertion order = oldest first. A request leaves
   * this map when its body ends, not when it is answered: holding every request in a map
   * until its answer made V8 promote each one's objects to the old generation (the
   * scavenger copied ~3 KB more per webhook: test/bench/ack.ts, CPU per ack).
   */
  const reading = new Map<IncomingMessage, Reservation>();
  function* uploading(): Generator<Socket> {
    for (const req of reading.keys()) if (!req.complete) yield req.socket;
  }
  const stalls = createStallWatch(uploading, now, stallMs);
  let total = 0;

  const release = (r: Reservation) => {
    if (r.released) return;
    r.released = true;
    total -= r.bytes;
  };
  // Shared listener (no closure per request): `this` is the request.
  function bodyRead(this: IncomingMessage): void {
    reading.delete(this);
  }

  const shedStalled = (needed: number, budget: number) => {
    for (const [req, r] of [...reading]) {
      if (total + needed <= budget) return;
      // A body fully read is being verified or stored: never cut.
      if (req.complete || !stalls.stalled(req.socket)) continue;
      reading.delete(req);
      release(r);
      req.socket.destroy();
      opts.onShed?.();
    }
  };

  return {
    reserve(req, res, bytes, budget) {
      if (total + bytes > budget) shedStalled(bytes, budget);
      if (total + bytes > budget) return false;
      const r: Reservation = { bytes, released: false };
      reading.set(req, r);
      total += bytes;
      stalls.track(req.socket);
      req.on('end', bodyRead); // 'end' comes at most once
      res.on('close', () => {
        reading.delete(req); // never read to its end (aborted, or answered without reading it)
        release(r);
      });
      return true;
    },
    inFlight: () => total,
  };
}

interface Reservation {
  bytes: number;
  released: boolean;
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
      if (uploads.reserve(req, res, bytes, inFlightBodyBudget(limits.maxBodyBytes))) return true;
      res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SEC));
      res.shouldKeepAlive = false; // its body is never read: the connection cannot carry another request
      lingerAfterAnswer(res); // but the sender must still see the 503, not a reset
      sendJson(res, 503, {
        error: {
          code: 'busy',
          message: `Hookdock is receiving too many uploads at once. Please send this again in ${BUSY_RETRY_AFTER_SEC} s.`,
        },
      });
      return false;
    },
    allowFailure(sourceId, limits, res, now) {
      const taken = failures.take(sourceId, now, limits.ratePerSecond, limits.burst);
      if (taken.ok) return true;
      sendRateLimited(res, `Too many requests that failed verification for source "${sourceId}"`, taken.retryAfterSec);
      return false;
    },
  };
}

function sendRateLimited(res: ServerResponse, what: string, retryAfterSec: number): void {
  res.setHeader('Retry-After', String(retryAfterSec));
  sendJson(res, 429, { error: { code: 'rate_limited', message: `${what}: retry in ${retryAfterSec} s.` } });
}
