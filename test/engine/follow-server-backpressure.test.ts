// Follow mode, server side: a follower that stops reading its stream is disconnected
// (it catches up by pages later) instead of the server buffering without end.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFollowStreams } from '../../electron/engine/follow/server/stream';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeEvent, openStore, tempDir } from './store-helpers';

let cleanup: () => Promise<void>;
let dir: string;
let server: Server | null;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  server = null;
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await cleanup();
});

describe('follow stream backpressure', () => {
  it('stops writing when the socket does not drain, and closes a stream that stays stuck', async () => {
    const store = await openStore(dir);
    // ~52 MB of events (100 of 512 KiB), all in one page: far more than the socket buffers hold.
    const big = 'x'.repeat(512 * 1024);
    const count = 100;
    for (let i = 0; i < count; i += 10)
      await Promise.all(Array.from({ length: 10 }, (_, j) => store.appendEvent(makeEvent(i + j, { summary: big }))));
    const logger = memoryLogger();
    const streams = createFollowStreams({ store, logger, pingMs: 50 });
    let closedAt: (() => void) | null = null;
    const closed = new Promise<void>((r) => (closedAt = r));
    let handedOut = 0;
    server = createServer((_req, res) => {
      const socket = res.socket!;
      streams.open('f1', null, res);
      // bytesWritten counts what was sent and what waits in the socket's queue.
      res.on('close', () => {
        handedOut = socket.bytesWritten;
        closedAt!();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    // A client that sends its request and then never reads.
    const sock = connect(port, '127.0.0.1');
    sock.write(`GET /follow/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    sock.pause();
    await closed;
    expect(streams.connected('f1')).toBe(false);
    // It stopped at the socket's limit: nowhere near the whole backlog was queued.
    expect(handedOut).toBeGreaterThan(0);
    expect(handedOut).toBeLessThan((count * big.length) / 2);
    expect(logger.lines.some((l) => /stopped reading/.test(l))).toBe(true);
    sock.destroy();
    await store.close();
  });
});
