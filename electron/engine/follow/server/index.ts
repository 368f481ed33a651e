// Follow mode, the server side (issue #15; protocol in shared/follow.ts): a follow API on
// its own port for followers (desktop Hookdocks), the followers' book, the dashboard's
// handlers for adding and revoking them, and the retention floor their acks set.
import { createServer, type Server } from 'node:http';
import type { ApiHandlers } from '../../../../shared/api';
import type { Config } from '../../../../shared/config';
import type { Store } from '../../store/types';
import { HttpError } from '../../util/errors';
import { guardServer } from '../../util/http-guard';
import type { Logger } from '../../util/logger';
import { createFollowApp } from './app';
import { FollowerBook } from './followers';
import { followerHandlers, followersStatus, type FollowersStatus } from './handlers';
import { createFollowStreams } from './stream';

export type { FollowersStatus } from './handlers';

export interface FollowServerOptions {
  store: Store;
  dataDir: string;
  logger: Logger;
  version: string;
  now: () => number;
  getConfig: () => Config;
  /** 0 picks a free port. */
  port: number;
  /** Bind address; default 127.0.0.1. Other peers are refused unless through TLS (transport.ts). */
  host?: string;
  /** The follow port's public URL (its ngrok endpoint) when there is one. */
  publicUrl: () => string | null;
  /** Test hook: the stream's ping interval (ms). */
  pingMs?: number;
}

export type FollowerHandlers = Pick<ApiHandlers, 'createFollower' | 'listFollowers' | 'revokeFollower'>;

export interface FollowServer {
  /** Loads followers.json and listens. Throws a sentence when the port is taken or the file unreadable. */
  start(): Promise<{ port: number }>;
  /** Closes every stream and the port. */
  stop(): Promise<void>;
  port(): number;
  /** What a pairing link starts with: the public follow URL, else http://127.0.0.1:<port>. */
  base(): string;
  handlers: FollowerHandlers;
  /** Retention's floor: keep every event after this id (undefined: no followers, no floor). */
  floor(): string | undefined;
  status(): FollowersStatus;
}

const MAX_CONNECTIONS = 64;

export function createFollowServer(opts: FollowServerOptions): FollowServer {
  const host = opts.host ?? '127.0.0.1';
  const book = new FollowerBook(opts.dataDir, opts.logger, opts.now);
  const streams = createFollowStreams({ store: opts.store, logger: opts.logger, pingMs: opts.pingMs });
  let server: Server | null = null;
  let boundPort = 0;
  const base = () => (opts.publicUrl() ?? `http://127.0.0.1:${boundPort}`).replace(/\/+$/, '');
  const app = createFollowApp({
    store: opts.store,
    book,
    streams,
    logger: opts.logger,
    version: opts.version,
    now: opts.now,
    getConfig: opts.getConfig,
    base,
  });
  const deps = { store: opts.store, book, streams, base, now: opts.now };

  return {
    async start() {
      await book.load();
      const s = createServer(app);
      guardServer(s, { maxConnections: MAX_CONNECTIONS, maxBodyBytes: () => 4096, allowHalfOpen: false });
      await new Promise<void>((resolve, reject) => {
        s.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            new Error(
              err.code === 'EADDRINUSE'
                ? `The follow port ${opts.port} is already in use: pick another with --follow-port.`
                : `The follow API cannot listen on ${host}:${opts.port} (${err.code ?? err.message}).`,
            ),
          ),
        );
        s.listen(opts.port, host, () => resolve());
      });
      server = s;
      const addr = s.address();
      boundPort = typeof addr === 'object' && addr ? addr.port : opts.port;
      opts.logger.info(`Follow API listening on http://${host}:${boundPort}`);
      return { port: boundPort };
    },
    async stop() {
      const s = server;
      server = null;
      streams.closeAll();
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    port: () => boundPort,
    base,
    handlers: followerHandlers(deps),
    floor: () => book.floor(),
    status: () => followersStatus(deps),
  };
}

/** The follower handlers when the follow port is off: each says how to turn it on. */
export function followOffHandlers(): FollowerHandlers {
  const off = async (): Promise<never> => {
    throw new HttpError(
      409,
      'follow_off',
      'Followers need the follow API: start Hookdock with --follow-port (or HOOKDOCK_FOLLOW_PORT), then add them here.',
    );
  };
  return { createFollower: off, listFollowers: async () => ({ items: [] }), revokeFollower: off };
}
