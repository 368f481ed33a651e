// Acknowledgements to the server, batched: at most one POST /follow/v1/ack in flight,
// sent when `everyEvents` events wait for one or `everyMs` after the first waiting one.
// A failed ack is simply sent again later: the server keeps the last cursor it got, and
// an older one is never sent after a newer one.

export interface AckBatcher {
  /** `cursor` and everything before it is durable here; `count` events since the last call. */
  note(cursor: string, count: number): void;
  /** Sends what waits now (best effort); resolves when that attempt is over. */
  flush(): Promise<void>;
  stop(): void;
  /** The last cursor the server accepted. */
  acked(): string | null;
}

export function createAckBatcher(opts: {
  send: (cursor: string) => Promise<void>;
  everyMs: number;
  everyEvents: number;
  onError?: (err: unknown) => void;
}): AckBatcher {
  let latest: string | null = null;
  let accepted: string | null = null;
  let waiting = 0;
  let timer: NodeJS.Timeout | null = null;
  let inflight: Promise<void> | null = null;
  let stopped = false;

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (inflight) await inflight;
    if (latest === null || latest === accepted || stopped) return;
    const cursor = latest;
    const sent = waiting;
    waiting = 0;
    inflight = opts
      .send(cursor)
      .then(() => {
        accepted = cursor;
      })
      .catch((err) => {
        waiting += sent;
        opts.onError?.(err);
      })
      .finally(() => {
        inflight = null;
      });
    await inflight;
  };

  return {
    note(cursor, count) {
      latest = cursor;
      waiting += count;
      if (stopped) return;
      if (waiting >= opts.everyEvents) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), opts.everyMs);
        timer.unref();
      }
    },
    flush,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    acked: () => accepted,
  };
}
