// The hot path of the receiver without express: a plain `POST /hooks/<id>`
// with a Content-Length within the limit and no content encoding is read
// straight off the request, and answered with one writeHead/end. Express's
// router, body parser and response helpers cost about as much main-thread CPU
// as verifying and storing the event; everything unusual (encoded ids,
// gzip, chunked uploads, over-limit lengths, other routes) still goes through
// the express app, which answers exactly as before.
import type { IncomingMessage, ServerResponse } from 'node:http';

// Only plain ids: anything percent-encoded or odd is left to express's own decoding.
const HOOK_PATH = /^\/hooks\/([A-Za-z0-9_.~-]+)\/?(?:\?|$)/;
const CONTENT_LENGTH = /^\d{1,15}$/;

/** The source id when this request can take the fast path; null to hand it to express. */
export function fastPathSourceId(req: IncomingMessage, maxBodyBytes: number): string | null {
  if (req.method !== 'POST') return null;
  const match = HOOK_PATH.exec(req.url ?? '');
  if (!match) return null;
  const h = req.headers;
  const encoding = h['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return null;
  const length = h['content-length'];
  if (length === undefined || h['transfer-encoding'] !== undefined || !CONTENT_LENGTH.test(length)) return null;
  // Over the limit: express answers 413 (after its 404 and admission checks, in that order).
  if (Number(length) > maxBodyBytes) return null;
  return match[1]!;
}

/** Room for a body as it arrives (receiver/admission.ts); one for the whole receiver: nothing is made per request. */
export interface BodyGrowth {
  /** Whether the budget holds the `size` bytes `req` has read so far (more are coming). */
  room(req: IncomingMessage, size: number): boolean;
  /** Answers `res` when room() said no (503 busy). */
  refused(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * Reads the whole body. Node's parser stops at Content-Length, so on the fast
 * path (checked <= the limit before this is called) no more can arrive; a
 * chunked body is cut at `limit` bytes: `tooLarge` is called once and nothing
 * more is kept. While more is to come, `growth.room(req, size)` must make room for
 * the `size` bytes read so far (a body read whole in one go asks nothing: it is
 * verified at once); false stops reading and calls `refused`. A sender that hangs
 * up early never gets `done` called (there is nobody left to answer).
 */
export function readWholeBody(
  req: IncomingMessage,
  done: (raw: Buffer) => void,
  limit = Infinity,
  tooLarge: () => void = () => {},
  growth?: BodyGrowth,
  /** Given to growth.refused. */
  res?: ServerResponse,
): void {
  let first: Buffer | null = null;
  let chunks: Buffer[] | null = null;
  let size = 0;
  let over = false;
  const whole = Number(req.headers['content-length'] ?? NaN); // NaN when chunked: never whole until it ends
  const stop = (answer: () => void) => {
    over = true;
    first = chunks = null;
    req.off('data', onData);
    // The answer closes the connection (lingering: linger.ts). What the sender still sends
    // is dropped as it comes: paused, the request would keep it, up to 16 MiB each.
    req.resume();
    answer();
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) return stop(tooLarge);
    if (growth && size !== whole && !growth.room(req, size)) return stop(() => growth.refused(req, res!));
    if (first === null) first = chunk;
    else (chunks ??= [first]).push(chunk);
  };
  req.on('data', onData);
  // `on`, not `once`: each of these comes at most once, and `once` costs a wrapper per request.
  req.on('end', () => {
    if (over) return;
    const raw = chunks ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0));
    first = chunks = null;
    done(raw);
  });
  // An aborted upload: nothing to store and nobody to answer; the error must not go unhandled,
  // and what came so far is let go now, not when the request object is collected. (An upload
  // that ends early, by abort, timeout or shedding, is destroyed with an error.)
  req.on('error', () => {
    first = chunks = null;
  });
}

/** What express's res.status(n).json(body) sends, without express. Works on express's res too. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
