// The follow API's HTTP routes (shared/follow.ts is the protocol): on its own port,
// never the receiver's or the dashboard's. Each request passes, in order: the transport
// rule (transport.ts: plain HTTP only from loopback), the follower's bearer token
// (followers.ts: hashed, constant-time), and a budget of failed token attempts per
// client (a valid token always gets in, whatever strangers did: "genuine senders first").
import express, { type NextFunction, type Request, type Response } from 'express';
import type { FollowHello } from '../../../../shared/follow';
import type { Config } from '../../../../shared/config';
import { bearerToken } from '../../dashboard/guard';
import { createRateLimiter } from '../../receiver/rate-limit';
import type { Store } from '../../store/types';
import type { Logger } from '../../util/logger';
import type { FollowerBook, FollowerRecord } from './followers';
import { DEFAULT_PAGE, parseCursor, readPage } from './pages';
import type { FollowStreams } from './stream';
import { isLoopbackAddress, refusePlainHttp } from './transport';

/** Failed token attempts allowed per client: a burst of 10, then one every 6 s. */
const FAIL_BURST = 10;
const FAIL_PER_SECOND = 1 / 6;

export interface FollowAppDeps {
  store: Store;
  book: FollowerBook;
  streams: FollowStreams;
  logger: Logger;
  version: string;
  now: () => number;
  getConfig: () => Config;
  /** The follow base URL a follower was given (no token). */
  base: () => string;
}

type Authed = Request & { follower?: FollowerRecord };

/**
 * Clients whose failures are remembered one by one, at most (bounded memory); past it every
 * new client shares one budget, so many addresses (IPv6) cannot reset anyone's budget.
 */
const MAX_CLIENTS = 10_000;
const OVERFLOW = '\u0000overflow';

export function createFollowApp(deps: FollowAppDeps): express.Express {
  const failures = createRateLimiter();
  const clients = new Set<string>();
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const refusal = refusePlainHttp({
      remoteAddress: req.socket.remoteAddress,
      encrypted: (req.socket as { encrypted?: boolean }).encrypted === true,
      forwardedProto: req.headers['x-forwarded-proto'],
      forwarded: req.headers.forwarded,
    });
    if (refusal) return void sendError(res, 403, 'https_required', refusal);
    next();
  });

  app.use('/follow/v1', (req: Authed, res: Response, next: NextFunction) => {
    const follower = deps.book.authenticate(bearerToken(req.headers.authorization));
    if (follower) {
      req.follower = follower;
      return next();
    }
    let key = clientKey(req);
    if (!clients.has(key)) {
      if (clients.size >= MAX_CLIENTS) key = OVERFLOW;
      else clients.add(key);
    }
    const taken = failures.take(key, deps.now(), FAIL_PER_SECOND, FAIL_BURST);
    if (!taken.ok) {
      res.setHeader('Retry-After', String(taken.retryAfterSec));
      return void sendError(
        res,
        429,
        'too_many_attempts',
        'Too many requests with a wrong follower token: wait a minute, then pair again with a new link from the server.',
      );
    }
    sendError(
      res,
      401,
      'unauthorized',
      'This follower token is missing, wrong or revoked: ask for a new pairing link in the server’s Settings → Followers.',
    );
  });

  app.get('/follow/v1/hello', (req: Authed, res: Response) => {
    const f = req.follower!;
    const hello: FollowHello = {
      server: deps.base(),
      version: deps.version,
      follower: { id: f.id, name: f.name },
      sources: deps.getConfig().sources.map((s) => ({
        id: s.id,
        name: (s as { name?: string }).name ?? null,
        provider: s.provider,
      })),
    };
    res.json(hello);
  });

  app.get('/follow/v1/events', (req: Authed, res: Response, next: NextFunction) => {
    const after = parseCursor(req.query.after);
    if (after === undefined) return void badCursor(res);
    const limit = req.query.limit === undefined ? DEFAULT_PAGE : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return void sendError(res, 400, 'bad_request', 'limit must be a whole number from 1 to 1000.');
    readPage(deps.store, after, limit).then((page) => sendJsonText(res, JSON.stringify(page)), next);
  });

  app.get('/follow/v1/stream', (req: Authed, res: Response) => {
    const header = req.headers['last-event-id'];
    const from = parseCursor(typeof header === 'string' && header !== '' ? header : req.query.after);
    if (from === undefined) return void badCursor(res);
    const start =
      (typeof header === 'string' && header !== '') || req.query.after !== undefined ? from : req.follower!.ackedCursor;
    deps.streams.open(req.follower!.id, start, res);
  });

  app.post('/follow/v1/ack', express.json({ limit: '4kb' }), (req: Authed, res: Response, next: NextFunction) => {
    const cursor = parseCursor((req.body as { cursor?: unknown } | undefined)?.cursor);
    if (!cursor) return void badCursor(res);
    // Only an event the server has can be acknowledged (or one at or below the last ack: a no-op).
    const acked = req.follower!.ackedCursor;
    if ((acked === null || cursor > acked) && !deps.store.getEventSummary(cursor))
      return void sendError(res, 400, 'bad_cursor', 'That cursor is not an event this server has sent.');
    deps.book.ack(req.follower!.id, cursor).then((known) => {
      if (!known) return void sendError(res, 401, 'unauthorized', 'This follower was revoked.');
      res.status(204).end();
    }, next);
  });

  app.use((_req: Request, res: Response) => sendError(res, 404, 'not_found', 'There is no such follow API route.'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') return void sendError(res, 400, 'bad_request', 'The body is not valid JSON.');
    if (type === 'entity.too.large') return void sendError(res, 413, 'too_large', 'The body is too large.');
    deps.logger.error('A follow API request failed', { error: err });
    if (!res.headersSent)
      sendError(res, 500, 'internal', 'The server could not answer this request; the follower will try again.');
    else res.end();
  });
  return app;
}

/**
 * The client a failed attempt is counted against: the socket's address, or behind a loopback
 * proxy the last X-Forwarded-For entry (the one that proxy appended; earlier ones are the
 * client's own say, which it could vary at will to escape the budget).
 */
function clientKey(req: Request): string {
  const remote = req.socket.remoteAddress ?? '';
  const fwd = req.headers['x-forwarded-for'];
  if (isLoopbackAddress(remote) && typeof fwd === 'string' && fwd) return fwd.split(',').pop()!.trim();
  return remote;
}

function badCursor(res: Response): void {
  sendError(res, 400, 'bad_cursor', 'The cursor is not one this server gave out: start again without one.');
}

function sendJsonText(res: Response, text: string): void {
  res.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(text);
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}
