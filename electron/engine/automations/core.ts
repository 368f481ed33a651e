// The automations' moving parts around the one scheduler: firing runs for an
// event, the 'run' job handler, retry by hand, test runs, pause (persisted in
// the store's 'meta' collection so it survives a restart), and recovery of
// runs left unfinished by a crash.
import { LIVE_RUN, mayRun } from '../../../shared/statuses';
import type { EventSummary, Run, RunReason } from '../../../shared/types';
import { DEFAULT_SCRIPT_RETRY, toRetryPolicy } from '../jobs/backoff';
import type { JobHandler, Scheduler } from '../jobs/scheduler';
import type { EngineDeps } from '../types';
import { HttpError, notFound } from '../util/errors';
import { closeInterrupted, executeAttempt, type AttemptDeps } from './attempt';
import { meetingConditions } from './conditions';
import { matchingAutomations } from './match';
import type { RunBook } from './runs';

export const RUN_JOB_KIND = 'run';
const META_ID = 'automations';

interface PauseRecord {
  id: string;
  paused: boolean;
}

export interface AutomationsCore {
  deps: EngineDeps;
  runs: RunBook;
  /**
   * Creates and queues a run for each automation the event matches. `reason`: 'event'
   * when it arrived, 'replay' when the owner replays it; runs on a test event are tests.
   */
  fire(event: EventSummary, reason?: Exclude<RunReason, 'test'>): Promise<Run[]>;
  retryRun(id: string): Promise<Run>;
  testRun(automationId: string, eventId: string): Promise<Run>;
  setPaused(paused: boolean): Promise<void>;
  paused(): boolean;
  /** Before scheduler.start(): pause state, and runs a crash left 'running' go back to 'queued'. */
  beforeStart(): Promise<void>;
  /** After scheduler.start(): live runs that lost their job (crash between storing and queueing) get one. */
  afterStart(): Promise<void>;
  stop(): void;
}

export function createCore(deps: EngineDeps, attemptDeps: AttemptDeps, scheduler: Scheduler): AutomationsCore {
  const { runs, clock, bus, config } = attemptDeps;
  const meta = deps.store.collection<PauseRecord>('meta');
  const log = deps.logger.child('automations');
  const stopping = new AbortController();
  let isPaused = false;
  const iso = (ms: number) => new Date(ms).toISOString();

  const policyFor = (automationId: string) =>
    toRetryPolicy(config.current().automations.find((a) => a.id === automationId)?.retry, DEFAULT_SCRIPT_RETRY);

  async function enqueue(run: Run): Promise<void> {
    await scheduler.enqueue({ kind: RUN_JOB_KIND, refId: run.id, policy: policyFor(run.automationId) });
  }

  const handler: JobHandler = {
    // Prepares while the job's 'active' record syncs; spawns only once it is durable.
    overlapsSave: true,
    run: (job, _attempt, signal, saved) => executeAttempt(attemptDeps, job.refId, signal, { saved }),
    // Retention pruned the run: its dead job is dropped at start instead of piling up.
    exists: (refId) => runs.get(refId) !== undefined,
    async onRetryScheduled(job, nextAt) {
      const run = runs.get(job.refId);
      if (run) await runs.save({ ...run, status: 'retrying', nextAttemptAt: iso(nextAt) });
    },
    async onDead(job) {
      const run = runs.get(job.refId);
      if (!run) return;
      await runs.save({ ...run, status: 'failed', nextAttemptAt: null });
    },
  };
  scheduler.register(RUN_JOB_KIND, handler);

  return {
    deps,
    runs,

    async fire(event, reason = 'event') {
      const why = { reason, test: event.test === true };
      const matched = await meetingConditions(matchingAutomations(config.current(), event), () =>
        deps.store.getEvent(event.id),
      );
      const drafts = matched.map((a) => runs.draft(event.id, a.id, why));
      // Issued together, run before job: the store's journal keeps call order, so a
      // job is never durable without its run, and all of it costs one group commit.
      await Promise.all(drafts.flatMap((run) => [runs.save(run), enqueue(run)]));
      return drafts.map((r) => runs.get(r.id) ?? r);
    },

    async retryRun(id) {
      const run = runs.get(id);
      if (!run) throw notFound('That run');
      if (run.reason === 'test') {
        // It would run with retries and send onward, which a test promises not to do.
        throw new HttpError(409, 'test_run', 'A test run is not run again: test the automation again from its page.');
      }
      const job = scheduler.jobFor(id);
      if (job?.state === 'active') return run;
      // Reset first: once the job is due, its attempt is the only writer.
      await runs.save({ ...run, status: 'queued', nextAttemptAt: null });
      if (job) await scheduler.retryNow(id);
      else await enqueue(run);
      return runs.get(id) ?? run;
    },

    async testRun(automationId, eventId) {
      if (!config.current().automations.some((a) => a.id === automationId)) throw notFound('That automation');
      const event = deps.store.getEventSummary(eventId);
      if (!event) throw notFound('That event');
      if (!mayRun(event.status)) {
        throw new HttpError(409, 'not_runnable', `A ${event.status} event never runs automations.`);
      }
      const run = await runs.create(eventId, automationId, { reason: 'test', test: true });
      // Once, now, whatever the pause and the concurrency limit: the owner is watching.
      const outcome = await executeAttempt(attemptDeps, run.id, stopping.signal, { allowDisabled: true });
      const after = runs.get(run.id) ?? run;
      if (!outcome.ok && after.status !== 'failed')
        await runs.save({ ...after, status: 'failed', nextAttemptAt: null });
      // No event status change: a test run never speaks for the event (shared/statuses.ts).
      return runs.get(run.id) ?? after;
    },

    async setPaused(paused) {
      await meta.put({ id: META_ID, paused });
      isPaused = paused;
      scheduler.setPaused(RUN_JOB_KIND, paused);
      log.info(paused ? 'Automations paused.' : 'Automations resumed.');
      bus.emit('automations.paused', { paused });
    },

    paused: () => isPaused,

    async beforeStart() {
      isPaused = meta.get(META_ID)?.paused ?? false;
      scheduler.setPaused(RUN_JOB_KIND, isPaused);
      const now = iso(clock.now());
      const interrupted = [...runs.values()].filter((run) => run.status === 'running');
      // Hookdock was killed while these ran: what they left behind is ended before they run again.
      const left = await attemptDeps.actions.recoverInterrupted(interrupted.map((run) => run.id));
      for (const run of interrupted) {
        const ended = left.get(run.id) ?? null;
        await runs.save({ ...closeInterrupted(run, now, ended), status: 'queued' });
      }
    },

    async afterStart() {
      for (const run of [...runs.values()]) {
        if (!LIVE_RUN.has(run.status)) continue;
        const job = scheduler.jobFor(run.id);
        if (!job) {
          log.warn('A run had lost its job (Hookdock stopped at the wrong moment); queueing it again.', {
            run: run.id,
          });
          await enqueue(run);
        } else if (job.state === 'dead') {
          await handler.onDead!(job, job.lastError ?? 'Failed');
        }
      }
    },

    stop() {
      stopping.abort();
    },
  };
}
