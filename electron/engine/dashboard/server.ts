// The dashboard transport: shared/api.ts over HTTP and the bus over SSE, for
// the browser / headless mode. Bound to 127.0.0.1 only (invariant 5); every
// request must come from a loopback Host and Origin and carry the token.
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiHandlers } from '../../../shared/api';
import type { Bus } from '../util/bus';
import { DASHBOARD_MAX_CONNECTIONS } from '../util/fd-limit';
import { guardServer } from '../util/http-guard';
import type { Logger } from '../util/logger';
import {
  CONTENT_SECURITY_POLICY,
  isAllowedOrigin,
  isAuthorized,
  isLoopbackHost,
  safeEqual,
  sessionCookieHeader,
  sessionValue,
} from './guard';
import { NEED_TOKEN_PAGE, NOT_BUILT_PAGE, PAGE_CSP } from './pages';
import { apiErrorHandler, registerApiRoutes } from './routes';
import { createSseHub } from './sse';

export interface DashboardOptions {
  handlers: ApiHandlers;
  bus: Bus;
  token: string;
  /** 0 picks a free one (tests). */
  port: number;
  host?: '127.0.0.1';
  logger: Logger;
  /** The built React app (dist/renderer); null or missing shows a "not built" page. */
  staticDir?: string | null;
  version?: string;
  /** For tests: SSE heartbeat interval. */
  heartbeatMs?: number;
}

export interface DashboardServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

const JSON_LIMIT = '6mb';
const JSON_LIMIT_BYTES = 6 * 1024 * 1024;

export function createDashboardServer(opts: DashboardOptions): DashboardServer {
  const host = '127.0.0.1'; // never anything else, whatever a caller passes
  const session = sessionValue(opts.token);
  const sse = createSseHub({
    bus: opts.bus,
    logger: opts.logger,
    version: opts.version,
    heartbeatMs: opts.heartbeatMs,
  });
  let server: Server | null = null;
  let boundPort = 0;

  const app = express();
  app.disable('x-powered-by');

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!isLoopbackHost(req.headers.host, boundPort)) {
      return void sendError(
        res,
        403,
        'forbidden_host',
        'This address is not allowed: open the dashboard at 127.0.0.1.',
      );
    }
    if (!isAllowedOrigin(req.headers.origin, req.headers.host)) {
      return void sendError(res, 403, 'forbidden_origin', 'Requests from other web pages are not allowed.');
    }
    next();
  });

  // Opening the printed link: trade the token in the URL for a session cookie,
  // then drop it from the address bar (and from history) with a redirect.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.query.token;
    if (isApi(req.path) || (req.method !== 'GET' && req.method !== 'HEAD') || typeof given !== 'string') return next();
    if (!safeEqual(given, opts.token)) return void sendNeedToken(res);
    const url = new URL(req.originalUrl, 'http://localhost');
    url.searchParams.delete('token');
    res.setHeader('Set-Cookie', sessionCookieHeader(opts.token));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, url.pathname.replace(/^\/+/, '/') + url.search);
  });

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isAuthorized({ authorization: req.headers.authorization, cookie: req.headers.cookie }, opts.token, session)) {
      return next();
    }
    if (isApi(req.path))
      return void sendError(res, 401, 'unauthorized', 'The dashboard access token is missing or wrong.');
    sendNeedToken(res);
  });

  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api', express.json({ limit: JSON_LIMIT }));
  app.get('/api/stream', (req, res) => sse.handle(req, res));
  registerApiRoutes(app, opts.handlers, opts.logger);
  app.use('/api', (_req, res) => sendError(res, 404, 'not_found', 'There is no such API route.'));

  if (opts.staticDir) app.use(express.static(opts.staticDir, { index: ['index.html'], dotfiles: 'ignore' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    void spaFallback(req, res, opts.staticDir ?? null).catch(next);
  });
  app.use(apiErrorHandler);

  return {
    start: () =>
      new Promise((resolve, reject) => {
        const s = createServer(app);
        // Its own connection share, kept out of the receiver's: a flood there leaves this reachable.
        guardServer(s, {
          maxConnections: DASHBOARD_MAX_CONNECTIONS,
          maxBodyBytes: () => JSON_LIMIT_BYTES,
          // Server-Sent Events streams must end when the browser's side does.
          allowHalfOpen: false,
        });
        s.listen(opts.port, host);
        s.once('error', (err: NodeJS.ErrnoException) => {
          reject(
            err.code === 'EADDRINUSE'
              ? Object.assign(new Error(`The dashboard port ${opts.port} is already in use.`), { code: err.code })
              : err,
          );
        });
        s.once('listening', () => {
          server = s;
          const addr = s.address();
          boundPort = typeof addr === 'object' && addr ? addr.port : opts.port;
          opts.logger.info(`Dashboard listening on http://${host}:${boundPort}`);
          resolve({ port: boundPort });
        });
      }),
    stop: async () => {
      const s = server;
      server = null;
      if (!s) return;
      sse.closeAll();
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}

function isApi(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function sendNeedToken(res: Response): void {
  res.status(401).setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(NEED_TOKEN_PAGE);
}

/** Client-side routes get index.html; a missing file with an extension is a plain 404. */
async function spaFallback(req: Request, res: Response, staticDir: string | null): Promise<void> {
  const last = req.path.split('/').pop() ?? '';
  const index = staticDir ? join(staticDir, 'index.html') : null;
  const built =
    index !== null &&
    (await access(index).then(
      () => true,
      () => false,
    ));
  if (!built) {
    res.status(200).setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(NOT_BUILT_PAGE);
    return;
  }
  if (last.includes('.')) {
    res.status(404).type('text').send('Not found');
    return;
  }
  res.setHeader('Cache-Control', 'no-cache');
  res.sendFile(index);
}
