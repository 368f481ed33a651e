// Answering a request whose body will not be read (413 over the limit, 503 busy)
// and closing at once makes the kernel reset the connection while the sender is
// still writing its body: curl, Node and most HTTP clients then report a broken
// pipe and never see the answer. The usual cure (nginx's "lingering close", RFC
// 9112 §9.6): send the answer, close our side only, and read and discard what
// the sender still writes, for a short, bounded while.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createGiveBack, type GiveBack } from '../util/give-back';

/** How long a refused upload may keep sending after its answer, in ms. */
export const LINGER_MS = 2_000;
/** How many bytes of a refused upload are read and thrown away at most. */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024;

let giveBack: GiveBack | null = null;

/**
 * What refused and shed uploads read is garbage outside V8's heap: counted, so that memory
 * is given back once a storm of them is over (util/give-back.ts). Made on first use.
 */
export function noteDiscarded(bytes: number): void {
  (giveBack ??= createGiveBack()).discarded(bytes);
}

/**
 * Makes the connection of `res` close gracefully once the answer is written: the
 * write side ends (FIN, not RST), what the sender still sends is discarded, and
 * the socket is destroyed when the sender closes, after LINGER_MS, or after
 * LINGER_MAX_BYTES, whichever comes first. Call before sending the answer; the
 * answer must close the connection (`res.shouldKeepAlive = false`).
 */
export function lingerAfterAnswer(res: ServerResponse): void {
  const socket = res.socket as (Socket & { destroySoon?: () => void }) | null;
  if (!socket || typeof socket.destroySoon !== 'function') return;
  // Node's server calls destroySoon() once the answer of a closing connection is written.
  socket.destroySoon = () => {
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      noteDiscarded(socket.bytesRead);
    });
    socket.once('end', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_MAX_BYTES) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.end();
    socket.resume();
  };
}
