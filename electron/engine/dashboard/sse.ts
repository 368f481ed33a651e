// GET /api/stream: every bus event as Server-Sent Events. No replay on
// reconnect (no Last-Event-ID): a client that reconnects refetches what it shows.
// A client that stops reading would make its socket buffer grow without end
// as events keep coming, so past MAX_BACKLOG_BYTES it is dropped instead.
import type { Request, Response } from 'express';
import type { Bus } from '../util/bus';
import type { Logger } from '../util/logger';

export const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
export const HEARTBEAT_MS = 15_000;

export interface SseHub {
  handle(req: Request, res: Response): void;
  /** Ends every open stream (server shutdown). */
  closeAll(): void;
  clients(): number;
}

export function createSseHub(opts: {
  bus: Bus;
  logger: Logger;
  version?: string;
  heartbeatMs?: number;
  maxBacklogBytes?: number;
}): SseHub {
  const open = new Set<() => void>();
  const maxBacklog = opts.maxBacklogBytes ?? MAX_BACKLOG_BYTES;

  function handle(req: Request, res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);

    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      res.write(chunk);
      if (res.writableLength > maxBacklog) {
        opts.logger.warn('Dropping a dashboard stream client that stopped reading', {
          backlogBytes: res.writableLength,
        });
        close();
        res.destroy();
      }
    };
    const unsubscribe = opts.bus.onAny((name, payload) => {
      write(`event: ${name}\ndata: ${JSON.stringify(payload ?? null)}\n\n`);
    });
    const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), opts.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();

    function close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
    }
    function end() {
      close();
      res.end();
    }
    open.add(end);
    res.on('close', close);

    write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ version: opts.version ?? null })}\n\n`);
  }

  return {
    handle,
    closeAll: () => [...open].forEach((end) => end()),
    clients: () => open.size,
  };
}
