// The tunnel's state machine: off -> connecting -> online <-> reconnecting,
// or error. It knows nothing of the SDK (see ngrokAdapter.ts): it is given a
// Connector, a clock and a random source, so tests drive it step by step.
//
// The SDK can hang forever in connect when the far end accepts TCP but never
// speaks, and its close() then never resolves either. So every attempt runs
// under our own timeout, a hung attempt is abandoned (and closed if it ever
// completes), and nothing here is ever awaited by start or stop unbounded.
import type { TunnelState, TunnelStatus } from '../../../shared/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { ConnectRequest, Connector, TunnelConnection } from './ngrokAdapter';
import { describeTunnelError, TIMEOUT_MESSAGE, type TunnelProblem } from './errors';

export interface TunnelTarget {
  addr: string;
  authtoken: string;
  domain: string | null;
  serverAddr: string | null;
  /** Follow mode: a second endpoint in the same session, forwarding to the follow port (issue #15). */
  followAddr?: string | null;
}

export interface MachineOptions {
  connector: Connector;
  clock: Clock;
  logger: Logger;
  version?: string;
  random?: () => number;
  connectTimeoutMs?: number;
  /** Backoff between attempts: doubling from initial to max, with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** After the SDK reports a drop, how long it may take to come back by itself before we reconnect. */
  recoverTimeoutMs?: number;
  /** No heartbeat for this long (once heartbeats were seen) means a silent drop. */
  silentDropMs?: number;
  /** How long stop waits for the SDK to close before giving up on it. */
  closeTimeoutMs?: number;
  onStatus(status: TunnelStatus): void;
  onUrlChanged(previous: string | null, url: string): void;
}

export interface TunnelMachine {
  /** Connects to target in the background (restarting if already running). */
  run(target: TunnelTarget): void;
  /** Shows a state without connecting: off, or error for a setting the owner must fix. */
  idle(state: 'off' | 'error', provider: 'ngrok' | 'none', error?: string | null): void;
  /** Back to off; resolves within closeTimeoutMs whatever the SDK does. */
  stop(): Promise<void>;
  status(): TunnelStatus;
  publicUrl(): string | null;
  /** The follow port's public URL while online, else null. */
  followUrl(): string | null;
}

type Timer = unknown;

/** An SDK connect in flight. */
interface Call {
  gen: number;
  startedAt: number;
  /** An attempt is waiting on it (not timed out). */
  waiting: boolean;
  conn: TunnelConnection | null;
}

/** A hung connect is given up for a fresh one after this many connect timeouts... */
const STALE_CALLS_AFTER = 4;
/** ...and at most this many hung connects are left behind at once. */
const MAX_ABANDONED_CALLS = 2;

export function createTunnelMachine(opts: MachineOptions): TunnelMachine {
  const { clock, logger } = opts;
  const random = opts.random ?? Math.random;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 15_000;
  const initialDelayMs = opts.initialDelayMs ?? 1_000;
  const maxDelayMs = opts.maxDelayMs ?? 60_000;
  const recoverTimeoutMs = opts.recoverTimeoutMs ?? 30_000;
  const silentDropMs = opts.silentDropMs ?? 60_000;
  const closeTimeoutMs = opts.closeTimeoutMs ?? 3_000;

  /** Bumped by every run/idle/stop: callbacks of an older generation are ignored. */
  let generation = 0;
  let target: TunnelTarget | null = null;
  let conn: TunnelConnection | null = null;
  let retryTimer: Timer | null = null;
  let watchTimer: Timer | null = null;
  let attemptTimer: Timer | null = null;
  let call: Call | null = null;
  let abandonedCalls = 0;
  let failures = 0;
  let lastAliveAt = 0;
  let heartbeatsSeen = false;
  let lastUrl: string | null = null;
  let status: TunnelStatus = { state: 'off', provider: 'none', url: null, error: null, since: iso(clock.now()) };

  function set(state: TunnelState, provider: 'ngrok' | 'none', url: string | null, error: string | null): void {
    if (status.state === state && status.provider === provider && status.url === url && status.error === error) return;
    status = { state, provider, url, error, since: status.state === state ? status.since : iso(clock.now()) };
    opts.onStatus(status);
  }

  function clearTimers(): void {
    if (retryTimer !== null) clock.clearTimeout(retryTimer);
    if (watchTimer !== null) clock.clearTimeout(watchTimer);
    if (attemptTimer !== null) clock.clearTimeout(attemptTimer);
    retryTimer = watchTimer = attemptTimer = null;
  }

  /** Closes a connection in the background, bounded: a hung SDK close is simply left behind. */
  function abandon(c: TunnelConnection | null): Promise<void> {
    if (!c) return Promise.resolve();
    const closing = c.close().catch((err: unknown) => logger.debug('Closing the tunnel failed', { error: err }));
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, closeTimeoutMs);
      t.unref();
      void closing.then(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /**
   * One attempt: wait (bounded) for an SDK connect. The SDK serialises its
   * connects, so while an earlier one hangs a new one would only queue behind
   * it; a retry therefore waits on the call in flight again, and only starts a
   * fresh one once that call is very old (few abandoned calls at most).
   */
  function attempt(gen: number): void {
    if (gen !== generation || !target) return;
    retryTimer = null;
    // A retry keeps showing why it is retrying (reconnecting or error) until it succeeds.
    if (failures === 0) set('connecting', 'ngrok', null, null);
    // A call for older settings is no use (the owner changed something): always start afresh then.
    const oldTarget = call !== null && call.gen !== gen;
    const stale = call !== null && clock.now() - call.startedAt > STALE_CALLS_AFTER * connectTimeoutMs;
    if (call === null || oldTarget || (stale && abandonedCalls < MAX_ABANDONED_CALLS)) {
      if (call !== null) abandonedCalls++;
      call = startCall(gen, target);
    } else {
      logger.debug('Still waiting on the previous ngrok connect');
    }
    const waitingOn = call;
    waitingOn.waiting = true;
    attemptTimer = clock.setTimeout(() => {
      attemptTimer = null;
      waitingOn.waiting = false;
      logger.warn('The tunnel did not connect in time; giving up on this attempt', { timeoutMs: connectTimeoutMs });
      failed(gen, { message: TIMEOUT_MESSAGE, fatal: false, ownerMustAct: false });
    }, connectTimeoutMs);
  }

  function startCall(gen: number, t: TunnelTarget): Call {
    const c: Call = { gen, startedAt: clock.now(), waiting: false, conn: null };
    const mine = () => gen === generation && c.conn !== null && conn === c.conn;
    const req: ConnectRequest = {
      ...t,
      version: opts.version ?? '0.0.0',
      onDisconnect: (reason) => {
        if (mine()) dropped(gen, describeTunnelError(reason, t.domain));
      },
      onAlive: () => {
        if (mine()) alive(gen);
      },
    };
    let pending: Promise<TunnelConnection>;
    try {
      pending = opts.connector(req);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => settle(c, t, { ok: true, value }),
      (error: unknown) => settle(c, t, { ok: false, error }),
    );
    return c;
  }

  function settle(
    c: Call,
    t: TunnelTarget,
    r: { ok: true; value: TunnelConnection } | { ok: false; error: unknown },
  ): void {
    if (call === c) call = null;
    else abandonedCalls = Math.max(0, abandonedCalls - 1);
    const wanted = c.gen === generation && target !== null && conn === null;
    if (r.ok) {
      // Stopped, restarted or already online: this session must not linger.
      if (!wanted) return void abandon(r.value);
      // An attempt waiting on it, or a late success during the backoff: use it.
      clearTimers();
      c.conn = r.value;
      connected(c.gen, r.value);
      return;
    }
    // A timed-out attempt's failure was counted when it timed out.
    if (!wanted || !c.waiting) return;
    if (attemptTimer !== null) clock.clearTimeout(attemptTimer);
    attemptTimer = null;
    logger.warn('The tunnel could not connect', { error: r.error });
    failed(c.gen, describeTunnelError(r.error, t.domain));
  }

  function connected(gen: number, c: TunnelConnection): void {
    conn = c;
    failures = 0;
    lastAliveAt = clock.now();
    heartbeatsSeen = false;
    online(c.url);
    watch(gen);
  }

  function online(url: string): void {
    const previous = lastUrl;
    lastUrl = url;
    set('online', 'ngrok', url, null);
    if (previous !== url) {
      if (previous) logger.warn(`The public URL changed from ${previous} to ${url}: tell your providers the new one`);
      else logger.info(`Tunnel online at ${url}`);
      opts.onUrlChanged(previous, url);
    }
  }

  function failed(gen: number, problem: TunnelProblem): void {
    if (gen !== generation) return;
    failures++;
    if (problem.fatal) {
      set('error', 'ngrok', null, problem.message);
      return; // waits for a settings change (which calls run again)
    }
    set(problem.ownerMustAct ? 'error' : 'reconnecting', 'ngrok', status.url, problem.message);
    const delay = backoffDelay(failures);
    logger.info('Retrying the tunnel', { inMs: Math.round(delay) });
    retryTimer = clock.setTimeout(() => attempt(gen), delay);
  }

  /** The SDK lost the session: it reconnects by itself; we wait, then take over. */
  function dropped(gen: number, problem: TunnelProblem): void {
    logger.warn('The tunnel dropped', { reason: problem.message });
    if (problem.fatal) {
      const c = conn;
      conn = null;
      clearTimers();
      void abandon(c);
      set('error', 'ngrok', null, problem.message);
      return;
    }
    set('reconnecting', 'ngrok', status.url, problem.message);
    if (watchTimer !== null) clock.clearTimeout(watchTimer);
    watchTimer = clock.setTimeout(() => {
      watchTimer = null;
      if (gen === generation && status.state === 'reconnecting') takeOver(gen, problem);
    }, recoverTimeoutMs);
  }

  function alive(gen: number): void {
    lastAliveAt = clock.now();
    heartbeatsSeen = true;
    if (status.state === 'reconnecting' && conn) {
      online(conn.currentUrl() ?? conn.url);
      watch(gen);
    }
  }

  /** Notices a session that went quiet without the SDK saying so. */
  function watch(gen: number): void {
    if (watchTimer !== null) clock.clearTimeout(watchTimer);
    watchTimer = clock.setTimeout(() => {
      watchTimer = null;
      if (gen !== generation || !conn) return;
      if (heartbeatsSeen && clock.now() - lastAliveAt >= silentDropMs) {
        takeOver(gen, {
          message: 'The tunnel went quiet. Hookdock is reconnecting.',
          fatal: false,
          ownerMustAct: false,
        });
      } else watch(gen);
    }, silentDropMs);
  }

  /** Give up on the current session and reconnect with our own backoff. */
  function takeOver(gen: number, problem: TunnelProblem): void {
    const c = conn;
    conn = null;
    void abandon(c);
    failed(gen, problem);
  }

  function backoffDelay(n: number): number {
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(n - 1, 30));
    // Half fixed, half random: spread out, but never a burst of instant retries.
    return ceiling / 2 + (random() * ceiling) / 2;
  }

  function reset(): TunnelConnection | null {
    generation++;
    clearTimers();
    const c = conn;
    conn = null;
    failures = 0;
    heartbeatsSeen = false;
    return c;
  }

  return {
    run(next) {
      const old = reset();
      void abandon(old);
      target = next;
      attempt(generation);
    },
    idle(state, provider, error = null) {
      const old = reset();
      target = null;
      void abandon(old);
      set(state, provider, null, error);
    },
    async stop() {
      const old = reset();
      target = null;
      set('off', status.provider, null, null);
      await abandon(old);
    },
    status: () => status,
    publicUrl: () => (status.state === 'online' || status.state === 'reconnecting' ? status.url : null),
    followUrl: () =>
      status.state === 'online' || status.state === 'reconnecting' ? (conn?.followUrl?.() ?? null) : null,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
