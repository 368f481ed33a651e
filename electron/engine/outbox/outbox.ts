// The outbox (ARCHITECTURE.md "Contract: the outbox"): each send is stored
// as a Delivery before its first attempt, then attempted and retried by the one
// job scheduler (kind 'outbox'), so it survives restarts.
import { findDestination, type Config, type DestinationConfig } from '../../../shared/config';
import type { Delivery, DeliveryAttempt, DeliveryStatus, Page } from '../../../shared/types';
import { LIVE_DELIVERY } from '../../../shared/statuses';
import { DEFAULT_OUTBOX_RETRY, toRetryPolicy, type RetryPolicy } from '../jobs/backoff';
import type { JobHandler, JobRecord, Scheduler } from '../jobs/scheduler';
import type { Store } from '../store/types';
import type { Bus } from '../util/bus';
import { systemClock, type Clock } from '../util/clock';
import { notFound } from '../util/errors';
import { newId } from '../util/ids';
import { registerSecret, type Logger } from '../util/logger';
import { installIdFor, TRAIL_HEADER } from '../util/loop-guard';
import { deliveryBody, attemptDelivery, type DeliveryTarget } from './http';
import { newForwardDelivery, forwardRetryPolicy, forwardTarget, type ForwardInput } from './forward';

export const OUTBOX_JOB_KIND = 'outbox';

export interface Outbox {
  /**
   * Stores the delivery (status pending) and enqueues its job. `destinationId` is matched as
   * findDestination does and stored as the destination's id; with no such destination (or an
   * `error`: a malformed send line) the delivery is stored `failed` with the reason as its one
   * attempt, counted and shown like any failed send, and retryable once the destination exists.
   */
  send(input: {
    error?: string;
    destinationId: string;
    type: string;
    data: unknown;
    eventId: string | null;
    runId: string | null;
  }): Promise<Delivery>;
  /**
   * A forward action's send (outbox/forward.ts): stored as a pending delivery to `url` with these
   * exact body bytes and headers, then attempted like any other. Idempotent per run: a run that
   * already queued its forward (an attempt retried after a crash) gets that delivery back.
   */
  forward(input: ForwardInput): Promise<Delivery>;
  /** Newest first. */
  list(q: { status?: DeliveryStatus; limit: number; cursor?: string }): Page<Delivery>;
  get(id: string): Delivery | undefined;
  forEvent(eventId: string): Delivery[];
  /** Attempts now (a failed one with a fresh attempt budget). HttpError 404 for an unknown id. */
  retryNow(id: string): Promise<Delivery>;
  /** pending = not yet delivered nor failed (pending, delivering, retrying). */
  counts(): { failed: number; pending: number };
  /**
   * Call once after scheduler.start(): re-enqueues deliveries left unfinished
   * without a job (a crash between storing a send and enqueueing it).
   */
  recover(): Promise<void>;
}

export interface OutboxOptions {
  store: Store;
  scheduler: Scheduler;
  bus: Bus;
  logger: Logger;
  clock?: Clock;
  getConfig: () => Config;
  fetch?: typeof fetch;
  /** A destination answered 410 Gone: the engine disables it in the config. */
  onDestinationGone?: (id: string) => Promise<void>;
  /** For the user-agent header: Hookdock/<version>. */
  version?: string;
  /** This install's id for the Hookdock-Trail header (util/loop-guard.ts); default: one for this process. */
  installId?: () => string;
}

const LIVE: ReadonlySet<DeliveryStatus> = LIVE_DELIVERY;

export function createOutbox(opts: OutboxOptions): Outbox {
  const clock = opts.clock ?? systemClock;
  const log = opts.logger.child('outbox');
  const col = opts.store.collection<Delivery>('deliveries');
  const doFetch = opts.fetch ?? fetch;
  const userAgent = `Hookdock/${opts.version ?? '0.0.0'}`;
  const iso = (ms = clock.now()) => new Date(ms).toISOString();
  const installId = opts.installId ?? (() => installIdFor(undefined));

  /** The trail the event that caused a send came in with (another Hookdock's outbox), if any. */
  async function upstreamTrail(eventId: string | null): Promise<string | undefined> {
    if (!eventId) return undefined;
    const event = await opts.store.getEvent(eventId).catch(() => undefined);
    return event?.headers[TRAIL_HEADER];
  }

  // eventId -> delivery ids, built on first use; stale ids (pruned) are skipped on read.
  let byEvent: Map<string, Set<string>> | null = null;
  const index = (d: Delivery) => {
    if (!byEvent || !d.eventId) return;
    let set = byEvent.get(d.eventId);
    if (!set) byEvent.set(d.eventId, (set = new Set()));
    set.add(d.id);
  };

  async function save(d: Delivery): Promise<Delivery> {
    await col.put(d);
    opts.bus.emit('delivery.updated', d);
    return d;
  }

  /** Why a destination cannot be used now, as a sentence; null when it can. */
  function destinationFor(id: string): { dest: DestinationConfig } | { error: string } {
    const dest = findDestination(opts.getConfig().destinations, id);
    if (!dest) {
      return {
        error: `There is no destination "${id}": add it in the Outbox (Destinations), or correct the name in the script, then retry this send.`,
      };
    }
    if (!dest.enabled) return { error: `The destination "${dest.name || dest.id}" is turned off.` };
    registerSecret(dest.secret);
    return { dest };
  }

  function withError(d: Delivery, error: string): Delivery {
    const attempt: DeliveryAttempt = {
      attempt: d.attempts.length + 1,
      at: iso(),
      statusCode: null,
      durationMs: 0,
      responseBody: null,
      error,
    };
    return { ...d, status: 'failed', nextAttemptAt: null, attempts: [...d.attempts, attempt] };
  }

  async function enqueue(d: Delivery, dest: DestinationConfig | RetryPolicy): Promise<void> {
    const policy = 'url' in dest ? toRetryPolicy(dest.retry, DEFAULT_OUTBOX_RETRY) : dest;
    await opts.scheduler.enqueue({ kind: OUTBOX_JOB_KIND, refId: d.id, policy });
  }

  /** What one attempt sends: a destination's signed JSON, or a forward's own bytes; or why it cannot. */
  function targetFor(d: Delivery): { target: DeliveryTarget; retry: RetryPolicy } | { error: string } {
    if (d.forward) {
      const found = forwardTarget({ ...d, forward: d.forward }, opts.getConfig());
      return 'error' in found
        ? found
        : { ...found, retry: forwardRetryPolicy(opts.getConfig(), d.forward.automationId) };
    }
    const found = destinationFor(d.destinationId);
    if ('error' in found) return found;
    const { dest } = found;
    const headers = { 'content-type': 'application/json' };
    return {
      target: { url: dest.url, secret: dest.secret, timeoutMs: dest.timeoutMs, body: deliveryBody(d), headers },
      retry: toRetryPolicy(dest.retry, DEFAULT_OUTBOX_RETRY),
    };
  }

  const handler: JobHandler = {
    async run(job: JobRecord, _attempt: number, signal: AbortSignal) {
      const d = col.get(job.refId);
      // Pruned by retention: nothing left to deliver.
      if (!d || d.status === 'delivered') return { ok: true };
      const found = targetFor(d);
      if ('error' in found) {
        await save(withError(d, found.error));
        return { ok: false, error: found.error, stop: true };
      }
      const delivering = await save({ ...d, status: 'delivering', nextAttemptAt: null });
      // Numbered over the delivery's whole history: a retry by hand starts a fresh job budget, not a fresh count.
      const number = delivering.attempts.length + 1;
      const result = await attemptDelivery({
        delivery: delivering,
        target: found.target,
        attempt: number,
        clock,
        fetch: doFetch,
        userAgent,
        stopSignal: signal,
        installId: installId(),
      });
      // Hookdock is stopping: record nothing, the job re-runs after the restart.
      if (signal.aborted) return { ok: false, error: 'Hookdock stopped during the attempt.' };
      const attempts = [...delivering.attempts, result.attempt];
      if (result.ok) {
        await save({ ...delivering, status: 'delivered', attempts, nextAttemptAt: null });
        return { ok: true };
      }
      await save({ ...delivering, attempts });
      if (result.gone && d.forward) {
        // A forward's URL is the automation's, not a destination's: stop this delivery only.
        log.warn('A forward URL answered 410 Gone; not retrying.', { automation: d.forward.automationId });
        return { ok: false, error: result.attempt.error ?? 'Gone', stop: true };
      }
      if (result.gone) {
        log.warn('A destination answered 410 Gone; turning it off.', { destination: d.destinationId });
        await opts
          .onDestinationGone?.(d.destinationId)
          .catch((err) => log.error('Could not turn off a gone destination.', { err }));
        return { ok: false, error: result.attempt.error ?? 'Gone', stop: true };
      }
      if (result.loop) {
        log.warn('A destination leads back to a Hookdock receiver (508 Loop Detected); not retrying.', {
          destination: d.destinationId,
        });
        return { ok: false, error: result.attempt.error ?? 'Loop detected', stop: true };
      }
      return { ok: false, error: result.attempt.error ?? 'Failed', retryAfterMs: result.retryAfterMs };
    },
    async onRetryScheduled(job, nextAt) {
      const d = col.get(job.refId);
      if (d) await save({ ...d, status: 'retrying', nextAttemptAt: iso(nextAt) });
    },
    exists: (refId) => col.get(refId) !== undefined,
    async onDead(job) {
      const d = col.get(job.refId);
      if (d && d.status !== 'failed') await save({ ...d, status: 'failed', nextAttemptAt: null });
      else if (d) opts.bus.emit('delivery.updated', d);
    },
  };
  opts.scheduler.register(OUTBOX_JOB_KIND, handler);

  return {
    async send(input) {
      const now = clock.now();
      const id = newId('dlv', now);
      let d: Delivery = {
        id,
        destinationId: input.destinationId,
        type: input.type,
        status: 'pending',
        webhookId: `msg_${id.slice(id.indexOf('_') + 1)}`,
        data: input.data,
        eventId: input.eventId,
        runId: input.runId,
        attempts: [],
        nextAttemptAt: null,
        createdAt: iso(now),
      };
      const trail = await upstreamTrail(input.eventId);
      if (trail) d.trail = trail;
      const found: ReturnType<typeof destinationFor> = input.error
        ? { error: input.error }
        : destinationFor(input.destinationId);
      if ('error' in found) d = withError(d, found.error);
      else d.destinationId = found.dest.id;
      await save(d);
      index(d);
      if ('dest' in found) await enqueue(d, found.dest);
      return d;
    },

    async forward(input) {
      const done = this.forEvent(input.eventId).find((d) => d.runId === input.runId && d.forward);
      if (done) return done;
      const d = newForwardDelivery(input, clock.now());
      const trail = await upstreamTrail(input.eventId);
      if (trail) d.trail = trail;
      await save(d);
      index(d);
      await enqueue(d, forwardRetryPolicy(opts.getConfig(), input.automationId));
      return d;
    },

    list(q) {
      const limit = Math.max(1, Math.min(q.limit, 1000));
      const all: Delivery[] = [];
      for (const d of col.values()) {
        if (q.status && d.status !== q.status) continue;
        if (q.cursor && d.id >= q.cursor) continue;
        all.push(d);
      }
      all.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      const items = all.slice(0, limit);
      return { items, nextCursor: all.length > limit ? items[items.length - 1].id : null };
    },

    get: (id) => col.get(id),

    forEvent(eventId) {
      if (!byEvent) {
        byEvent = new Map();
        for (const d of col.values()) index(d);
      }
      const out: Delivery[] = [];
      for (const id of byEvent.get(eventId) ?? []) {
        const d = col.get(id);
        if (d) out.push(d);
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : 1));
    },

    async retryNow(id) {
      const d = col.get(id);
      if (!d) throw notFound('That delivery');
      const job = opts.scheduler.jobFor(id);
      if (job?.state === 'active') return d;
      // Delivered, or failed before it ever had a job (unknown destination): send it again.
      // A send line without a type can never be sent: the script must be fixed, and the event replayed.
      if (!d.type) return save(withError(d, 'This send has no "type": correct the script and replay the event.'));
      const found = job ? null : targetFor(d);
      if (found && 'error' in found) return save(withError(d, found.error));
      // Reset first: once the job is queued, its attempt is the only writer.
      const dest = found && !d.forward ? findDestination(opts.getConfig().destinations, d.destinationId) : undefined;
      const destinationId = dest ? dest.id : d.destinationId;
      const reset = await save({ ...d, destinationId, status: 'pending', nextAttemptAt: null });
      if (job) await opts.scheduler.retryNow(id);
      else if (found) await enqueue(reset, found.retry);
      return col.get(id) ?? reset;
    },

    counts() {
      let failed = 0;
      let pending = 0;
      for (const d of col.values()) {
        if (d.status === 'failed') failed++;
        else if (LIVE.has(d.status)) pending++;
      }
      return { failed, pending };
    },

    async recover() {
      for (const d of col.values()) {
        if (!LIVE.has(d.status) || opts.scheduler.jobFor(d.id)) continue;
        const found = targetFor(d);
        if ('error' in found) await save(withError(d, found.error));
        else await enqueue(d, found.retry);
      }
    },
  };
}
