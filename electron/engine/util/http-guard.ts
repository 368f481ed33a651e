// The HTTP edges of a node:http server that strangers can reach: answers to
// senders that half-close, `Expect: 100-continue` over the limit, short timeouts
// for headers and bodies, and a cap on connections that closes idle or stalled
// ones first so a new sender still gets in. Used by the receiver and the dashboard.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpGuardOptions {
  /** Open connections kept at most; past it the oldest idle (or stalled) one is closed, else the new one. */
  maxConnections: number;
  /** Largest body accepted (bytes): an `Expect: 100-continue` request declaring more gets 413 and no `100 Continue`. */
  maxBodyBytes: () => number;
  /** The whole header block must arrive within this (ms). Default 10 s. */
  headersTimeoutMs?: number;
  /** The whole request, body included, must arrive within this (ms); else 408 and closed. Default 30 s. */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this (ms). Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** A body that has not moved for this long (ms) counts as stalled: its connection may be closed for a new one. Default 1 s. */
  stallMs?: number;
  now?: () => number;
  /** Called when a connection is closed to make room (`evicted`) or refused (`refused`). */
  onShed?: (what: 'evicted' | 'refused') => void;
  /**
   * Answer a request whose sender has already ended its side (default true). The dashboard
   * turns it off: its long-lived streams must end when the browser's side does.
   */
  allowHalfOpen?: boolean;
  /** Said after "The body is over the limit of N bytes" in a 413: where the limit is set. */
  tooLargeHint?: string;
}

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
export const STALL_MS = 1_000;
/**
 * An upload counts as moving only when it has read at least this many bytes since it last
 * moved: one that trickles a byte every few hundred ms (a stranger's way to hold a share
 * forever) is stalled too. A provider sends its whole body at once, from a datacenter.
 */
export const MIN_PROGRESS_BYTES = 1024;

/**
 * Tells whether a socket's upload has stopped moving. `track` notes the socket
 * when its upload starts; while any is tracked a timer samples, every half
 * `stallMs`, when each last read a byte, and forgets the sockets `candidates()`
 * no longer names (uploads read to the end, or answered). Nothing is done when
 * an upload ends: this runs on every webhook.
 */
export interface StallWatch {
  track(socket: Socket): void;
  /**
   * True when `socket` has read less than MIN_PROGRESS_BYTES in the last `stallMs` or more;
   * or its upload started `maxAgeMs` ago or more (ms; default: no age limit); or, `stallMs`
   * or more after it started, it has read less of its `bodyBytes` than the pace that would
   * bring them all within REQUEST_TIMEOUT_MS (a body that slow would time out anyway).
   */
  stalled(socket: Socket, limits?: { maxAgeMs?: number; bodyBytes?: number }): boolean;
}

interface Seen {
  bytes: number;
  at: number;
  /** When it was tracked (ms, `now`), and the socket's bytes read then: its upload's start. */
  since: number;
  startBytes: number;
  /** The sample that last saw it a candidate (or when it was tracked): older records are dropped. */
  round: number;
}

export function createStallWatch(
  candidates: () => Iterable<Socket>,
  now: () => number = Date.now,
  stallMs: number = STALL_MS,
): StallWatch {
  const seen = new Map<Socket, Seen>();
  let timer: NodeJS.Timeout | null = null;
  let round = 0;
  const look = (socket: Socket, last: Seen, t: number) => {
    const bytes = socket.bytesRead;
    if (bytes - last.bytes >= MIN_PROGRESS_BYTES) {
      last.bytes = bytes;
      last.at = t;
    }
  };
  const sample = () => {
    round++;
    const t = now();
    for (const socket of candidates()) {
      const last = seen.get(socket);
      if (!last) continue;
      look(socket, last, t);
      last.round = round;
    }
    // Tracked since the previous sample, or named now: kept. The rest have ended.
    for (const [socket, last] of seen) if (last.round < round - 1) seen.delete(socket);
    // Stopped on the first sample with nothing left, not when each upload ends: no timer churn per request.
    if (seen.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    track(socket) {
      const t = now();
      seen.set(socket, { bytes: socket.bytesRead, at: t, since: t, startBytes: socket.bytesRead, round });
      if (!timer) {
        timer = setInterval(sample, Math.max(1, stallMs / 2));
        timer.unref();
      }
    },
    stalled(socket, limits = {}) {
      const last = seen.get(socket);
      if (!last) return false;
      const t = now();
      look(socket, last, t);
      const age = t - last.since;
      if (t - last.at >= stallMs || age >= (limits.maxAgeMs ?? Infinity)) return true;
      // Behind the pace that would bring the whole body within REQUEST_TIMEOUT_MS.
      const body = limits.bodyBytes ?? 0;
      return age >= stallMs && socket.bytesRead - last.startBytes < (body * age) / REQUEST_TIMEOUT_MS;
    },
  };
}

interface Conn {
  active: number;
  req: IncomingMessage | null;
  /** Bytes its socket had read when its upload last moved, and when (ms, `now`). */
  bytes: number;
  at: number;
}

export interface HttpGuard {
  /** Connections open now. */
  connections(): number;
  /** Requests received and not yet answered (or abandoned) now. */
  requestsInFlight(): number;
}

/**
 * Hardens `server` in place; call before listen(). Node's defaults keep a
 * silent connection 60-90 s and an upload 300 s, and with `httpAllowHalfOpen`
 * false a client that half-closes after its request never gets the answer.
 * Per request it only counts (no closures, no timers): it runs on every webhook.
 */
export function guardServer(server: Server, opts: HttpGuardOptions): HttpGuard {
  const now = opts.now ?? Date.now;
  const stallMs = opts.stallMs ?? STALL_MS;
  // Undocumented but long-standing: answer a request whose sender has already ended its side.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = opts.allowHalfOpen ?? true;
  server.headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(server.headersTimeout, opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
  // How often node checks those two timeouts (default 30 s, read when listening starts).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    1000,
    server.headersTimeout,
  );

  const conns = new Map<Socket, Conn>(); // insertion order = age
  let inFlight = 0;

  // Stalled uploads, noted on each connection's own record (nothing allocated per request):
  // `bytes`/`at` are when its upload last read a byte, sampled every half stallMs while any is uploading.
  let sampler: NodeJS.Timeout | null = null;
  const look = (socket: Socket, c: Conn, t: number) => {
    if (socket.bytesRead - c.bytes >= MIN_PROGRESS_BYTES) {
      c.bytes = socket.bytesRead;
      c.at = t;
    }
  };
  const sample = () => {
    const t = now();
    let uploading = false;
    for (const [socket, c] of conns) {
      if (c.req === null || c.req.complete) continue;
      uploading = true;
      look(socket, c, t);
    }
    // Stopped on the first sample with no upload, not when each one ends: no timer churn per request.
    if (!uploading && sampler) {
      clearInterval(sampler);
      sampler = null;
    }
  };
  const stalled = (socket: Socket, c: Conn): boolean => {
    const t = now();
    look(socket, c, t);
    return t - c.at >= stallMs;
  };

  const evictable = (socket: Socket, c: Conn): boolean => {
    if (c.active === 0) return true; // no request yet, or idle between keep-alive requests
    // Receiving a body that stopped moving; a received request being answered is never cut.
    return c.req !== null && !c.req.complete && stalled(socket, c);
  };

  server.on('connection', (socket: Socket) => {
    if (conns.size >= opts.maxConnections) {
      let victim: Socket | null = null;
      for (const [s, c] of conns) {
        if (evictable(s, c)) {
          victim = s;
          break;
        }
      }
      if (victim) {
        conns.delete(victim);
        victim.destroy();
        opts.onShed?.('evicted');
      } else {
        socket.destroy();
        opts.onShed?.('refused');
        return;
      }
    }
    conns.set(socket, { active: 0, req: null, bytes: 0, at: 0 });
    socket.once('close', () => conns.delete(socket));
  });

  // One shared listener (no closure per request); `this` is the response, `req` its request.
  function answered(this: ServerResponse): void {
    inFlight--;
    const req = this.req;
    const c = conns.get(req.socket);
    if (!c) return;
    c.active--;
    if (c.req === req) c.req = null;
  }
  const track = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.on('close', answered); // 'close' comes once per response
    const c = conns.get(req.socket);
    if (!c) return;
    c.active++;
    c.req = req;
    if (!req.complete) {
      c.bytes = req.socket.bytesRead;
      c.at = now();
      if (!sampler) {
        sampler = setInterval(sample, Math.max(1, stallMs / 2));
        sampler.unref();
      }
    }
  };
  // Listeners run in order: ours first, so the app's own handler sees a tracked request.
  server.prependListener('request', track);

  // Without a listener node sends `100 Continue` by itself, and the sender then uploads whatever it declared.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    const limit = opts.maxBodyBytes();
    if (Number.isFinite(declared) && declared > limit) {
      res.shouldKeepAlive = false;
      const text = JSON.stringify({
        error: {
          code: 'too_large',
          message: `The body is over the limit of ${limit} bytes${opts.tooLargeHint ?? ''}.`,
        },
      });
      res.writeHead(413, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        Connection: 'close',
      });
      res.end(text);
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });

  return { connections: () => conns.size, requestsInFlight: () => inFlight };
}
