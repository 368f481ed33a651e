// Reachability from outside: a probe POSTed through the public URL (the tunnel)
// to our own receiver, which answers only a nonce it handed out and never
// stores the probe as an event. A stranger cannot forge an answer: the nonce
// is 32 random bytes, used once, valid for PROBE_TTL_MS.
//
// unknown (no public URL, or not checked yet) -> reachable | unreachable.
// One failure re-probes after retryMs; two in a row -> unreachable, with an
// `attention` sentence for the tray and a notification.
import { randomBytes } from 'node:crypto';
import type { Reachability } from '../../../shared/gaps';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

/** The receiver path a probe is POSTed to: PROBE_PATH + '/' + nonce. */
export const PROBE_PATH = '/hooks/__hookdock_probe';
const PROBE_TTL_MS = 120_000;
const MAX_PENDING_NONCES = 16;

export interface ReachabilityOptions {
  publicUrl: () => string | null;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /** Between probes while all is well, ms. Default 5 minutes. */
  intervalMs?: number;
  /** After one failure, ms until the second probe. Default 30 s. */
  retryMs?: number;
  /** One probe's time limit, ms. Default 20 s. */
  timeoutMs?: number;
  /** The sentence shown after two failures, given why the last probe failed. */
  attentionText: (reason: string) => string;
  onChange: (r: Reachability) => void;
}

export interface ReachabilityChecker {
  start(): void;
  stop(): void;
  current(): Reachability;
  /** Probes now (coalesced with one already running); resolves with the state after it. */
  probeNow(): Promise<Reachability>;
  /** For the receiver: true once for a nonce this checker sent and that has not expired. */
  consume(nonce: string): boolean;
  /** When the current failure streak began (epoch ms), or null. */
  failingSince(): number | null;
}

export function createReachability(opts: ReachabilityOptions): ReachabilityChecker {
  const { clock, logger } = opts;
  const intervalMs = opts.intervalMs ?? 5 * 60_000;
  const retryMs = opts.retryMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const nonces = new Map<string, number>();
  let state: Reachability = { state: 'unknown', checkedAt: null, attention: null };
  let failures = 0;
  let firstFailureAt: number | null = null;
  let timer: unknown = null;
  let running = false;
  let inFlight: Promise<Reachability> | null = null;

  const set = (next: Reachability) => {
    const changed =
      next.state !== state.state || next.checkedAt !== state.checkedAt || next.attention !== state.attention;
    state = next;
    if (changed) opts.onChange(state);
  };

  const schedule = (ms: number) => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (!running) return;
    timer = clock.setTimeout(() => void probeNow(), ms);
    (timer as { unref?: () => void } | null)?.unref?.();
  };

  /** Why a probe failed, in words; never the URL's secrets (there are none in it but the nonce). */
  async function probe(url: string): Promise<string | null> {
    const nonce = randomBytes(32).toString('base64url');
    nonces.set(nonce, clock.now() + PROBE_TTL_MS);
    while (nonces.size > MAX_PENDING_NONCES) nonces.delete(nonces.keys().next().value!);
    const controller = new AbortController();
    const limit = clock.setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await opts.fetch(`${url.replace(/\/+$/, '')}${PROBE_PATH}/${nonce}`, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const body = (await res.json().catch(() => null)) as { probe?: unknown } | null;
      if (res.status === 200 && body?.probe === nonce) return null;
      return `the public URL answered ${res.status} instead of Hookdock`;
    } catch (err) {
      return controller.signal.aborted
        ? `no answer within ${Math.round(timeoutMs / 1000)} seconds`
        : `the connection failed (${(err as Error).message.slice(0, 80)})`;
    } finally {
      clock.clearTimeout(limit);
      nonces.delete(nonce);
    }
  }

  async function run(): Promise<Reachability> {
    const url = opts.publicUrl();
    if (!url) {
      failures = 0;
      firstFailureAt = null;
      set({ state: 'unknown', checkedAt: null, attention: null });
      schedule(intervalMs);
      return state;
    }
    const startedAt = clock.now();
    const reason = await probe(url);
    const checkedAt = new Date(clock.now()).toISOString();
    if (reason === null) {
      failures = 0;
      firstFailureAt = null;
      set({ state: 'reachable', checkedAt, attention: null });
      schedule(intervalMs);
    } else {
      failures++;
      firstFailureAt ??= startedAt;
      logger.warn(`Reachability probe failed (${failures} in a row): ${reason}`);
      if (failures >= 2) set({ state: 'unreachable', checkedAt, attention: opts.attentionText(reason) });
      else set({ ...state, checkedAt });
      schedule(failures >= 2 ? intervalMs : retryMs);
    }
    return state;
  }

  function probeNow(): Promise<Reachability> {
    inFlight ??= run().finally(() => (inFlight = null));
    return inFlight;
  }

  return {
    start() {
      running = true;
      schedule(0);
    },
    stop() {
      running = false;
      schedule(0);
    },
    current: () => state,
    probeNow,
    consume(nonce) {
      const expires = nonces.get(nonce);
      if (expires === undefined) return false;
      nonces.delete(nonce);
      return expires >= clock.now();
    },
    failingSince: () => (state.state === 'unreachable' ? firstFailureAt : null),
  };
}
