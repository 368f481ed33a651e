// The receiver: the only thing a tunnel exposes. POST /hooks/:sourceId verifies
// the request with its source's provider, keeps the raw bytes, and answers 200
// only once the store has made the event durable (503 when it cannot, so the
// sender retries). GET /healthz. Nothing else is served here.
//
// Answers: 200 {id, duplicate}; 508 loop_detected (a Hookdock outbox's webhook
// come back: util/loop-guard.ts; stored as rejected); 401 bad_signature (stored as rejected, shown in
// the feed); 400 invalid_json when a correctly signed body is in no format its
// provider documents (formats.ts; stored as rejected too: the signature proves the sender, but
// no type or id can be read, so nothing could run on it); 404 unknown source;
// 413 too large; 429 rate limited (admission.ts: failed verifications, never a
// correctly signed request); 503 store_unavailable, or busy (too many uploads in flight).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Config, SourceConfig } from '../../../shared/config';
import type { EventSummary } from '../../../shared/types';
import type { Store, StoredEvent } from '../store/types';
import { MAX_JSON_DEPTH } from '../store/event-payload';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { detectLoop, installIdFor, LOOP_HEADER, TRAIL_HEADER } from '../util/loop-guard';
import { createAdmission } from './admission';
import { lingerAfterAnswer } from './linger';
import { buildEvent, flattenHeaders } from './event';
import { parseDelivery } from './formats';
import { fastPathSourceId, readWholeBody, sendJson } from './fast-path';
import { getProvider } from './providers';
import { createRateLimiter } from './rate-limit';
import { signedUrls } from './signed-url';
import type { TestMark, TestMarks } from './test-marks';
import type { Provider, ProviderResult } from './types';

export interface ReceiverDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  clock: Clock;
  getConfig: () => Config;
  publicUrl: () => string | null;
  receiverUrl: () => string;
  /** Reachability probes (gaps/reachability.ts): true once for a nonce this process sent. */
  consumeProbe?: (nonce: string) => boolean;
  /** A new, verified, non-duplicate event is on disk: automations may run. */
  onAccepted: (summary: EventSummary) => void;
  /** Tokens of "Send a test event" (test-marks.ts): such events are marked test and run automations only when asked. */
  testMarks?: TestMarks;
  /** This install's id (util/loop-guard.ts): a request whose Hookdock-Trail holds it is a loop, answered 508. */
  installId?: () => string;
}

/**
 * Rejected requests stored per source and minute at most, by count and by bytes;
 * the rest are answered and counted, not kept, so a flood of garbage cannot fill the disk.
 */
export const REJECTED_STORED_PER_MINUTE = 60;
export const REJECTED_BYTES_PER_MINUTE = 8 * 1024 * 1024;
const STORE_RETRY_AFTER_SEC = 10;
const EMPTY = Buffer.alloc(0);

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

/** A request listener for http.createServer. */
export type ReceiverApp = (req: IncomingMessage, res: ServerResponse) => void;

export function createReceiverApp(deps: ReceiverDeps): ReceiverApp {
  const log = deps.logger.child('receiver');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const admission = createAdmission({ logger: log, config: deps.getConfig, now: () => deps.clock.now() });
  const rejectedLimiter = createRateLimiter();
  const rejectedBytesLimiter = createRateLimiter();
  const unstoredRejected = new Map<string, number>();
  const rawParsers = new Map<number, RequestHandler>();

  app.get('/healthz', (_req, res) => {
    sendJson(res, 200, { ok: true });
  });

  /** Cheap checks first, before a byte of the body is read: the source, or null once answered 404/429/503. */
  function admitSource(
    config: Config,
    sourceId: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): SourceConfig | null {
    let source: SourceConfig | undefined;
    for (const s of config.sources) {
      if (s.id === sourceId) {
        source = s;
        break;
      }
    }
    if (!source) {
      sendError(
        res,
        404,
        'unknown_source',
        `No source "${sourceId.slice(0, 64)}" is set up in Hookdock: check the URL, or add the source.`,
      );
      return null;
    }
    if (source.followed) {
      // Follow mode: its webhooks go to the server this computer follows, which passes them on.
      sendError(
        res,
        404,
        'followed_source',
        `Source "${source.id}" receives its webhooks through the Hookdock server this computer follows: point the sender at that server.`,
      );
      return null;
    }
    return admission.admit(source, config.limits, req, res, deps.clock.now(), admittedLater) ? source : null;
  }

  /** Express requests waiting for room (admission.ts): where each goes on. The fast path's are not here. */
  const waitingExpress = new WeakMap<IncomingMessage, () => void>();
  /** An upload admitted after waiting for room goes on where it stopped (one function for every request). */
  function admittedLater(req: IncomingMessage, res: ServerResponse, source: SourceConfig): void {
    const next = waitingExpress.get(req);
    if (!next) return readFast(req, res, source);
    (res as Response).locals.source = source;
    next();
  }

  const admit: RequestHandler = (req, res, next) => {
    const source = admitSource(deps.getConfig(), String(req.params.sourceId), req, res);
    if (!source) return void waitingExpress.set(req, next); // answered, or waiting (admittedLater is never called now)
    res.locals.source = source;
    next();
  };

  // express.raw fixes its limit when made; one parser per limit value follows config edits.
  const readBody: RequestHandler = (req, res, next) => {
    const limit = deps.getConfig().limits.maxBodyBytes;
    const encoding = req.headers['content-encoding'];
    if (encoding === undefined || encoding.toLowerCase() === 'identity') {
      // express.raw reads an over-limit chunked body to its end before answering 413: cut it at the limit.
      if (Number(req.headers['content-length'] ?? 0) > limit) {
        admission.bodyRead(req); // never read: its share is free at once, not when the linger ends
        return next(createHttpError(413));
      }
      readWholeBody(
        req,
        (raw) => {
          admission.bodyRead(req);
          req.body = raw;
          next();
        },
        limit,
        () => {
          admission.bodyRead(req);
          next(createHttpError(413));
        },
        admission.growthFor(req),
        res,
      );
      return;
    }
    let parser = rawParsers.get(limit);
    if (!parser) {
      parser = express.raw({ type: () => true, limit });
      rawParsers.set(limit, parser);
    }
    parser(req, res, (err?: unknown) => {
      admission.bodyRead(req);
      next(err);
    });
  };

  const receive = (req: Request, res: Response): Promise<void> =>
    receiveBody(
      res.locals.source as SourceConfig,
      Buffer.isBuffer(req.body) ? req.body : EMPTY,
      req.headers,
      res,
      req.originalUrl,
    );

  async function receiveBody(
    source: SourceConfig,
    raw: Buffer,
    requestHeaders: IncomingHttpHeaders,
    res: ServerResponse,
    requestPath: string,
  ): Promise<void> {
    const provider = getProvider(source.provider);
    const now = deps.clock.now();
    const headers = flattenHeaders(requestHeaders);
    const testMark = deps.testMarks?.claim(headers) ?? null;
    const parsed = parseDelivery(provider, raw, headers['content-type']);
    // Square signs the URL it posted to: the path and query as received (signed-url.ts). Others sign no URL.
    const urls = provider.signsUrl
      ? signedUrls(source, requestPath, deps.publicUrl() ?? deps.receiverUrl())
      : { url: '', otherUrls: [] };

    let result: ProviderResult = provider.verify({ rawBody: raw, headers, source, now, ...urls }, parsed.payload);
    // Our own outbox's webhook come back (or one relayed too often): kept as rejected, answered 508.
    const loop =
      headers[TRAIL_HEADER] === undefined ? null : detectLoop(headers, deps.installId?.() ?? installIdFor(undefined));
    if (loop) result = { ...result, ok: false, acknowledge: false, reason: loop.reason };
    let invalidJson = false;
    if (result.ok && !parsed.documented) {
      invalidJson = true;
      result = { ...result, ok: false, reason: invalidJsonReason(provider, headers['content-type'], parsed.tooDeep) };
    }
    const event = buildEvent({ source, raw, parsed, headers, result, now, test: testMark !== null });

    if (result.ok) {
      await storeAccepted(event, res, testMark);
      return;
    }
    if (!invalidJson && !admission.allowFailure(source.id, deps.getConfig().limits, res, now)) return;
    const storedId = await storeRejected(event, now);
    if (loop) {
      res.setHeader(LOOP_HEADER, loop.kind);
      sendError(res, 508, 'loop_detected', loop.reason);
    } else if (result.acknowledge) {
      sendJson(res, 200, { id: storedId, duplicate: false });
    } else if (invalidJson) {
      sendError(res, 400, 'invalid_json', result.reason ?? 'The body is not valid JSON.');
    } else {
      sendError(res, 401, 'bad_signature', result.reason ?? 'The signature could not be verified.');
    }
  }

  async function storeAccepted(event: StoredEvent, res: ServerResponse, testMark: TestMark | null): Promise<void> {
    let outcome: Awaited<ReturnType<Store['appendEvent']>>;
    try {
      outcome = await deps.store.appendEvent(event);
    } catch (err) {
      // Never a 2xx for what is not on disk: the sender keeps it and retries.
      log.error('could not store an event; answered 503', { source: event.source, error: err });
      res.setHeader('Retry-After', String(STORE_RETRY_AFTER_SEC));
      sendError(
        res,
        503,
        'store_unavailable',
        'Hookdock could not save this event to disk right now. Please send it again later.',
      );
      return;
    }
    sendJson(res, 200, { id: outcome.id, duplicate: outcome.duplicate });
    log.debug('event stored', { id: outcome.id, source: event.source, type: event.type, duplicate: outcome.duplicate });
    notify(() => deps.bus.emit(outcome.duplicate ? 'event.updated' : 'event.created', outcome.summary));
    // A test event runs automations only when the owner asked for it on that click.
    if (!outcome.duplicate && (!testMark || testMark.runAutomations)) notify(() => deps.onAccepted(outcome.summary));
  }

  /** Keeps a rejected request for the feed, within the per-source budget. Returns its id, or null when not kept. */
  async function storeRejected(event: StoredEvent, now: number): Promise<string | null> {
    const perMinute = REJECTED_STORED_PER_MINUTE;
    const bytesPerMinute = REJECTED_BYTES_PER_MINUTE;
    const withinBudget =
      rejectedLimiter.take(event.source, now, perMinute / 60, perMinute).ok &&
      rejectedBytesLimiter.take(
        event.source,
        now,
        bytesPerMinute / 60,
        bytesPerMinute,
        Math.min(event.sizeBytes, bytesPerMinute),
      ).ok;
    if (!withinBudget) {
      const count = (unstoredRejected.get(event.source) ?? 0) + 1;
      unstoredRejected.set(event.source, count);
      // One warning per hundred, not one per request: a flood must not flood the log too.
      if (count === 1 || count % 100 === 0) {
        log.warn(
          `source "${event.source}" gets many rejected requests: ${count} not stored so far (${perMinute} a minute, up to ${bytesPerMinute} bytes, are)`,
        );
      }
      return null;
    }
    try {
      const outcome = await deps.store.appendEvent(event);
      notify(() => deps.bus.emit('event.created', outcome.summary));
      log.debug('rejected request stored', { id: outcome.id, source: event.source, reason: event.verification.reason });
      return outcome.id;
    } catch (err) {
      log.warn('could not store a rejected request (answered it anyway)', { source: event.source, error: err });
      return null;
    }
  }

  function notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error('a listener of the receiver failed', { error: err });
    }
  }

  // Our own probe through the tunnel: answered, never stored, never runs anything.
  app.post('/hooks/__hookdock_probe/:nonce', (req, res) => {
    const nonce = req.params.nonce ?? '';
    req.resume();
    if (deps.consumeProbe?.(nonce)) sendJson(res, 200, { probe: nonce });
    else sendError(res, 404, 'not_found', 'This probe is unknown or expired.');
  });

  app.post('/hooks/:sourceId', admit, readBody, receive);

  app.use((_req, res) => {
    sendError(
      res,
      404,
      'not_found',
      'Nothing is served here: this address only receives webhooks, by POST to /hooks/<source id>.',
    );
  });

  const onError: ErrorRequestHandler = (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    admission.bodyRead(req); // whatever went wrong, its body is no longer being read for an answer
    if (res.headersSent) {
      res.end();
      return;
    }
    const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
    const status = Number(e.status ?? e.statusCode);
    if (status === 413) {
      res.shouldKeepAlive = false; // the rest of an oversized body is not worth reading
      lingerAfterAnswer(res); // but the sender must still see the 413, not a reset
      const limit = deps.getConfig().limits.maxBodyBytes;
      sendError(
        res,
        413,
        'too_large',
        `The body is over the limit of ${limit} bytes (limits.maxBodyBytes in the config).`,
      );
    } else if (status === 415) {
      sendError(
        res,
        415,
        'unsupported_encoding',
        'The body uses a content encoding Hookdock cannot read (gzip, deflate and br are fine).',
      );
    } else if (status >= 400 && status < 500) {
      // Aborted uploads, bad lengths, undecodable URLs: the sender's side.
      log.debug('bad request', { status, type: String(e.type ?? ''), message: String(e.message ?? '') });
      sendError(res, status, 'bad_request', 'The request could not be read: check its length, encoding and URL.');
    } else {
      log.error('receiver failure', { error: err });
      sendError(res, 500, 'internal', 'Something went wrong inside Hookdock. The log has the details.');
    }
  };
  app.use(onError);

  // The fast path: the same checks and answers as admit/readBody/receive above, without express.
  function fast(req: IncomingMessage, res: ServerResponse, sourceId: string): void {
    const source = admitSource(deps.getConfig(), sourceId, req, res);
    if (source) readFast(req, res, source); // else answered, or waiting for room (admittedLater)
  }

  function readFast(req: IncomingMessage, res: ServerResponse, source: SourceConfig): void {
    readWholeBody(
      req,
      (raw) => {
        admission.bodyRead(req);
        receiveBody(source, raw, req.headers, res, req.url ?? '').catch((err: unknown) =>
          onError(err, req as Request, res as Response, () => {}),
        );
      },
      Infinity, // checked against the limit by fastPathSourceId
      undefined,
      admission.growthFor(req),
      res,
    );
  }

  return (req, res) => {
    const sourceId = fastPathSourceId(req, deps.getConfig().limits.maxBodyBytes);
    if (sourceId === null) app(req, res);
    else fast(req, res, sourceId);
  };
}

function createHttpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

function invalidJsonReason(provider: Provider, contentType: string | undefined, tooDeep = false): string {
  if (tooDeep) {
    return `The body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep, which ${provider.label} never sends: it is kept here, but no automation runs on it.`;
  }
  const form = /x-www-form-urlencoded/i.test(contentType ?? '');
  if (form && provider.formPayloadField) {
    return `${provider.label} sent this form-encoded without JSON in its "${provider.formPayloadField}" field: check the webhook's content type setting at ${provider.label}.`;
  }
  return `The body is not valid JSON, though ${provider.label} always sends JSON${form ? ' (it came form-encoded)' : ''}: it is kept here, but no automation runs on it.`;
}
