// GET /follow/v1/stream: Server-Sent Events, one message per settled event
// (`id: <cursor>`, `event: event`, `data: <FollowedEvent JSON>`), oldest first.
// On connect it sends everything after Last-Event-ID (else `?after=`, else the
// follower's acknowledged cursor), then each new event as soon as its append settles
// (the store's onSettled: before the receiver has even answered the sender).
//
// Backpressure: it reads a page at a time and stops writing at the first write the
// socket refuses, until 'drain'. A socket that has not drained by the next ping
// after it (15-30 s) is closed, so a stuck follower holds no unbounded buffer: it catches up by
// pages (GET /follow/v1/events) and reconnects.
import type { ServerResponse } from 'node:http';
import type { FollowedEvent } from '../../../../shared/follow';
import type { Store } from '../../store/types';
import type { Logger } from '../../util/logger';
import { MAX_PAGE, readPage } from './pages';

export const PING_MS = 15_000;

export interface FollowStreams {
  /** Takes over `res` (headers not sent yet) for follower `followerId`, starting after `cursor`. */
  open(followerId: string, cursor: string | null, res: ServerResponse): void;
  /** Ends every stream of this follower (revoked). */
  closeFollower(followerId: string): void;
  closeAll(): void;
  connected(followerId: string): boolean;
}

interface Stream {
  followerId: string;
  cursor: string | null;
  res: ServerResponse;
  pumping: boolean;
  dirty: boolean;
  blocked: boolean;
  /** Pings passed while blocked. */
  stalledPings: number;
  closed: boolean;
}

export function createFollowStreams(opts: { store: Store; logger: Logger; pingMs?: number }): FollowStreams {
  const streams = new Set<Stream>();
  const pingMs = opts.pingMs ?? PING_MS;
  let offSettled: (() => void) | null = null;
  let ping: NodeJS.Timeout | null = null;

  const wake = () => {
    for (const s of streams) void pump(s);
  };

  function ensureRunning(): void {
    offSettled ??= opts.store.onSettled(wake);
    if (!ping) {
      ping = setInterval(() => {
        for (const s of streams) {
          if (s.blocked) {
            if (++s.stalledPings >= 2) {
              opts.logger.warn('Closing a follower stream that stopped reading; it will catch up by pages', {
                follower: s.followerId,
              });
              end(s, true);
            }
            continue;
          }
          s.res.write(`: ping ${Date.now()}\n\n`);
        }
      }, pingMs);
      ping.unref();
    }
  }

  function stopIfIdle(): void {
    if (streams.size) return;
    offSettled?.();
    offSettled = null;
    if (ping) clearInterval(ping);
    ping = null;
  }

  function end(s: Stream, destroy = false): void {
    if (s.closed) return;
    s.closed = true;
    streams.delete(s);
    if (destroy) s.res.destroy();
    else s.res.end();
    stopIfIdle();
  }

  async function pump(s: Stream): Promise<void> {
    if (s.closed) return;
    if (s.pumping || s.blocked) {
      s.dirty = true;
      return;
    }
    s.pumping = true;
    try {
      do {
        s.dirty = false;
        for (;;) {
          const page = await readPage(opts.store, s.cursor, MAX_PAGE);
          if (s.closed) return;
          let ok = true;
          // Stops at the first write the socket refuses: at most one event waits in memory
          // beyond the socket's own buffers, however large the page's bodies are.
          for (const fe of page.events) {
            ok = s.res.write(message(fe));
            s.cursor = fe.cursor;
            if (!ok) break;
          }
          if (ok && page.next !== null) s.cursor = page.next;
          if (!ok) {
            s.blocked = true;
            s.res.once('drain', () => {
              s.blocked = false;
              s.stalledPings = 0;
              void pump(s);
            });
            return;
          }
          if (page.behind === 0 || !page.events.length) break;
        }
      } while (s.dirty && !s.closed);
    } catch (err) {
      opts.logger.warn('A follower stream failed; the follower will reconnect', { error: err });
      end(s, true);
    } finally {
      s.pumping = false;
    }
  }

  return {
    open(followerId, cursor, res) {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      res.socket?.setNoDelay(true);
      res.socket?.setTimeout(0);
      const s: Stream = {
        followerId,
        cursor,
        res,
        pumping: false,
        dirty: false,
        blocked: false,
        stalledPings: 0,
        closed: false,
      };
      streams.add(s);
      res.on('close', () => end(s));
      ensureRunning();
      res.write('retry: 2000\n\n');
      void pump(s);
    },
    closeFollower(followerId) {
      for (const s of [...streams]) if (s.followerId === followerId) end(s, true);
    },
    closeAll() {
      for (const s of [...streams]) end(s);
    },
    connected(followerId) {
      for (const s of streams) if (s.followerId === followerId) return true;
      return false;
    },
  };
}

function message(fe: FollowedEvent): string {
  return `id: ${fe.cursor}\nevent: event\ndata: ${JSON.stringify(fe)}\n\n`;
}
