// The follower (issue #15): follows a Hookdock server's follow API (shared/follow.ts).
//
// A session: GET hello (the server's sources are mirrored by `onHello`) -> pages of
// events after the stored cursor until caught up -> the live stream from Last-Event-ID =
// cursor. Each batch is stored under the server's ids and run here (apply.ts), then the
// cursor is stored (cursor.ts) and, batched, acknowledged to the server (acks.ts): the
// server hears of an event only once it is durable here, runs included.
// Any failure ends the session; the next one starts after a backoff with full jitter
// (500 ms doubling to 30 s, or the server's Retry-After). A stream that stays silent
// longer than `pingTimeoutMs` (the server pings every 15 s) is taken for dead. A clock
// jump (the computer slept) or wake() ends the session and the wait at once.
import type { FollowedEvent, FollowHello, FollowStatus } from '../../../../shared/follow';
import { StoreWriteError } from '../../store/types';
import type { Logger } from '../../util/logger';
import { createAckBatcher } from './acks';
import { applyBatch, type ApplyDeps } from './apply';
import { createCursorBook } from './cursor';
import type { PairingLink } from './link';
import { createFollowWire, FollowWireError, unreachableMessage, type FollowWire } from './wire';

export interface FollowTiming {
  /** Longest silence on the stream before it is taken for dead; default 45 s (three missed pings). */
  pingTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  ackEveryMs?: number;
  ackEveryEvents?: number;
  /** Events per page while catching up (the server allows 1..1000). */
  pageLimit?: number;
  /** How often the wall clock is checked for a jump (sleep), and how big a jump counts. */
  clockTickMs?: number;
  clockJumpMs?: number;
}

export interface FollowClientOptions extends ApplyDeps {
  link: PairingLink;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  timing?: FollowTiming;
  /** After each hello: mirror the server's sources (failures are logged, never fatal). */
  onHello?: (hello: FollowHello) => Promise<void>;
  onStatus?: (status: FollowStatus) => void;
}

export interface FollowClient {
  start(): void;
  /** Ends the session, sends the last ack (best effort, capped), resolves when the loop is over. */
  stop(): Promise<void>;
  status(): FollowStatus;
  /** The computer woke up (or the network came back): reconnect and catch up now. */
  wake(): void;
}

const MAX_BATCH = 1000;

export function createFollowClient(opts: FollowClientOptions): FollowClient {
  const t = {
    pingTimeoutMs: 45_000,
    backoffBaseMs: 500,
    backoffMaxMs: 30_000,
    ackEveryMs: 200,
    ackEveryEvents: 500,
    pageLimit: 1000,
    clockTickMs: 2_000,
    clockJumpMs: 10_000,
    ...opts.timing,
  };
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const log = opts.logger;
  const server = opts.link.server;
  const wire: FollowWire = createFollowWire(opts.link, opts.fetch);
  const cursors = createCursorBook(opts.store);
  const acks = createAckBatcher({
    send: (cursor) => wire.ack(cursor),
    everyMs: t.ackEveryMs,
    everyEvents: t.ackEveryEvents,
    onError: (err) => log.debug('An acknowledgement did not reach the server; it is sent again', { error: err }),
  });

  let status: FollowStatus = { state: 'catching-up', behind: 0, server, error: null, lastEventAt: null };
  let stopped = false;
  let loop: Promise<void> | null = null;
  let session: AbortController | null = null;
  let cutSleep: (() => void) | null = null;
  let jumpTimer: NodeJS.Timeout | null = null;
  let followerId = '';
  let cursor: string | null = null;

  const setStatus = (patch: Partial<FollowStatus>) => {
    status = { ...status, ...patch };
    opts.onStatus?.(status);
  };

  /** Stores, runs, then records the cursor (`upTo`: a page's `next`, past events the server skipped). */
  const commit = async (batch: FollowedEvent[], upTo?: string | null) => {
    const applied = batch.length ? await applyBatch(opts, batch) : null;
    const last = upTo ?? batch.at(-1)?.cursor ?? null;
    if (last === null || last === cursor) return;
    await cursors.save(server, followerId, last);
    cursor = last;
    acks.note(last, batch.length);
    if (applied?.lastReceivedAt) setStatus({ lastEventAt: applied.lastReceivedAt });
  };

  const catchUp = async (signal: AbortSignal) => {
    setStatus({ state: 'catching-up' });
    let after = cursor;
    let pending = wire.page(after, t.pageLimit, signal);
    for (;;) {
      const page = await pending;
      const next = page.next ?? page.events.at(-1)?.cursor ?? after;
      const more = page.behind > 0 && next !== after;
      // The next page is fetched while this one is written.
      if (more) {
        pending = wire.page(next, t.pageLimit, signal);
        pending.catch(() => undefined);
      }
      await commit(page.events, next);
      setStatus({ behind: page.behind });
      after = next;
      if (!more) return;
    }
  };

  const follow = async (parent: AbortSignal) => {
    const ctl = new AbortController();
    const onParent = () => ctl.abort();
    parent.addEventListener('abort', onParent);
    let failure: unknown = null;
    const fail = (err: unknown) => {
      failure ??= err;
      ctl.abort();
    };
    let watchdog: NodeJS.Timeout | null = null;
    const alive = () => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(
        () => fail(new FollowWireError(`${server} went quiet (no ping for a while); reconnecting.`)),
        t.pingTimeoutMs,
      );
      watchdog.unref();
    };
    const queue: FollowedEvent[] = [];
    let draining: Promise<void> | null = null;
    const drain = async () => {
      while (queue.length && !ctl.signal.aborted) {
        const batch = queue.splice(0, MAX_BATCH);
        await commit(batch).catch(fail);
      }
      draining = null;
    };
    try {
      await wire.stream(
        cursor,
        {
          onEvent: (e) => {
            alive();
            queue.push(e);
            draining ??= drain();
          },
          onPing: alive,
        },
        ctl.signal,
      );
      fail(new FollowWireError(`${server} closed the live stream; reconnecting.`));
    } catch (err) {
      fail(err);
    } finally {
      if (watchdog) clearTimeout(watchdog);
      parent.removeEventListener('abort', onParent);
      await draining;
    }
    throw failure;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        cutSleep = null;
        resolve();
      }
      cutSleep = done;
    });

  const run = async () => {
    let attempt = 0;
    while (!stopped) {
      const ctl = new AbortController();
      session = ctl;
      let retryAfter: number | null = null;
      try {
        const hello = await wire.hello(ctl.signal);
        followerId = hello.follower.id;
        await opts.onHello?.(hello).catch((err) => log.warn('Could not mirror the server’s sources', { error: err }));
        cursor = cursors.load(server, followerId);
        await catchUp(ctl.signal);
        setStatus({ state: 'following', behind: 0, error: null });
        attempt = 0;
        await follow(ctl.signal);
      } catch (err) {
        if (stopped) break;
        const woke = ctl.signal.aborted && !(err instanceof FollowWireError);
        if (err instanceof FollowWireError) retryAfter = err.retryAfterMs ?? (err.revoked ? t.backoffMaxMs : null);
        const message = woke
          ? null
          : err instanceof StoreWriteError
            ? `Events from ${server} cannot be saved here: ${err.message}`
            : unreachableMessage(server, err);
        if (message) {
          setStatus({ state: 'unreachable', error: message });
          log.warn('Following the server failed; retrying', { reason: message });
        }
        if (woke) {
          attempt = 0;
          continue;
        }
      } finally {
        session = null;
      }
      if (stopped) break;
      const cap = Math.min(t.backoffMaxMs, t.backoffBaseMs * 2 ** attempt++);
      await sleep(retryAfter ?? Math.max(50, Math.round(random() * cap)));
    }
  };

  const watchClock = () => {
    let last = now();
    jumpTimer = setInterval(() => {
      const at = now();
      const jumped = at - last > t.clockTickMs + t.clockJumpMs || at < last;
      last = at;
      if (jumped) {
        log.info('The clock jumped (the computer slept?): reconnecting to catch up');
        api.wake();
      }
    }, t.clockTickMs);
    jumpTimer.unref();
  };

  const api: FollowClient = {
    start() {
      if (loop) return;
      watchClock();
      loop = run();
    },
    async stop() {
      stopped = true;
      if (jumpTimer) clearInterval(jumpTimer);
      session?.abort();
      cutSleep?.();
      await loop;
      acks.stop();
      // A last ack, so the server's "behind" is right; never holds the stop for long.
      const last = cursor;
      if (last !== null && last !== acks.acked()) {
        const cap = new Promise((r) => setTimeout(r, 2000).unref());
        await Promise.race([wire.ack(last, AbortSignal.timeout(2000)).catch(() => undefined), cap]);
      }
    },
    status: () => status,
    wake() {
      session?.abort();
      cutSleep?.();
    },
  };
  return api;
}
