// The receiver's HTTP server: listen on the configured host and port (a taken or
// forbidden port is a StartupError naming what to do), count requests in flight,
// and drain on stop: stop accepting, let in-flight requests finish (capped), close.
import { createServer, type RequestListener, type Server } from 'node:http';
import { StartupError } from '../startup-error';
import type { Logger } from '../util/logger';

const DRAIN_TIMEOUT_MS = 10_000;

export interface ReceiverServer {
  /** The bound port (the one asked for, or the free one picked for 0). */
  readonly port: number;
  /** Stops accepting; in-flight requests get up to 10 s; keep-alive connections close once idle. */
  drain(): Promise<void>;
}

/** Listens with `app`; rejects with a StartupError whose message says what to do. */
export function listenReceiver(opts: {
  app: RequestListener;
  host: string;
  port: number;
  logger: Logger;
  /**
   * Called once on the new server before it listens (timeouts, connection cap: http-guard.ts);
   * returns what counts requests in flight, which the drain waits for.
   */
  configure: (srv: Server) => { requestsInFlight(): number };
}): Promise<ReceiverServer> {
  const { host, logger } = opts;
  return new Promise((ok, fail) => {
    const srv = createServer(opts.app);
    const counted = opts.configure(srv);
    const inFlight = () => counted.requestsInFlight();
    srv.once('error', (err: NodeJS.ErrnoException) => fail(listenError(err, host, opts.port)));
    srv.listen(opts.port, host, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      srv.on('error', (err) => logger.error('Receiver server error', { error: err }));
      ok({ port, drain: () => drain(srv, inFlight, logger) });
    });
  });
}

/** Server.close() waits for every connection; keep-alive ones are closed as soon as they are idle. */
async function drain(srv: Server, inFlight: () => number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((ok) => srv.close(() => ok()));
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (inFlight() > 0 && Date.now() < deadline) {
    srv.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 10));
  }
  if (inFlight() > 0) logger.warn(`Stopping with ${inFlight()} requests still open`);
  srv.closeAllConnections();
  await closed;
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') {
    return new StartupError(
      `Port ${port} is already in use — is Hookdock already running? Use --port to pick another.`,
      err,
    );
  }
  if (err.code === 'EACCES') {
    return new StartupError(
      `Port ${port} needs administrator rights on this system. Use --port to pick one above 1024.`,
      err,
    );
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new StartupError(`Cannot listen on ${host}: this machine has no such address. Use --host 127.0.0.1.`, err);
  }
  return new StartupError(`The receiver cannot listen on ${host}:${port} (${err.code ?? err.message}).`, err);
}
