// The automations' moving parts around the one scheduler: firing runs for an
// event, the 'run' job handler, retry by hand, test runs, pause (persisted in
// the store's 'meta' collection so it survives a restart), and recovery of
// runs left unfinished by a crash.
import type { EventSummary, Run, RunStatus } from '../../../shared/types';
import { DEFAULT_SCRIPT_RETRY, toRetryPolicy } from '../jobs/backoff';
import type { JobHandler, Scheduler } from '../jobs/scheduler';
import type { EngineDeps } from '../types';
import { HttpError, notFound } from '../util/errors';
import { closeInterrupted, executeAttempt, type AttemptDeps } from './attempt';
import { matchingAutomations } from './match';
import { describeEnded, endInterruptedRuns } from './process-tree';
import type { RunBook } from './runs';

export const RUN_JOB_KIND = 'run';
const META_ID = 'automations';
const LIVE: ReadonlySet<RunStatus> = new Set(['queued', 'running', 'retrying']);

interface PauseRecord {
  id: string;
  paused: boolean;
}

export interface AutomationsCore {
  deps: EngineDeps;
  runs: RunBook;
  /** Creates and queues a run for each automation the event matches. */
  fire(event: EventSummary): Promise<Run[]>;
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
      await runs.syncEventStatus(run.eventId);
    },
  };
  scheduler.register(RUN_JOB_KIND, handler);

  return {
    deps,
    runs,

    async fire(event) {
      const drafts = matchingAutomations(config.current(), event).map((a) => runs.draft(event.id, a.id));
      // Issued together, run before job: the store's journal keeps call order, so a
      // job is never durable without its run, and all of it costs one group commit.
      await Promise.all(drafts.flatMap((run) => [runs.save(run), enqueue(run)]));
      if (drafts.length) void runs.syncEventStatus(event.id);
      return drafts.map((r) => runs.get(r.id) ?? r);
    },

    async retryRun(id) {
      const run = runs.get(id);
      if (!run) throw notFound('That run');
      const job = scheduler.jobFor(id);
      if (job?.state === 'active') return run;
      // Reset first: once the job is due, its attempt is the only writer.
      await runs.save({ ...run, status: 'queued', nextAttemptAt: null });
      if (job) await scheduler.retryNow(id);
      else await enqueue(run);
      await runs.syncEventStatus(run.eventId);
      return runs.get(id) ?? run;
    },

    async testRun(automationId, eventId) {
      if (!config.current().automations.some((a) => a.id === automationId)) throw notFound('That automation');
      const event = deps.store.getEventSummary(eventId);
      if (!event) throw notFound('That event');
      if (event.status === 'rejected' || event.status === 'duplicate') {
        throw new HttpError(409, 'not_runnable', `A ${event.status} event never runs automations.`);
      }
      const run = await runs.create(eventId, automationId);
      // Once, now, whatever the pause and the concurrency limit: the owner is watching.
      const outcome = await executeAttempt(attemptDeps, run.id, stopping.signal, { allowDisabled: true });
      const after = runs.get(run.id) ?? run;
      if (!outcome.ok && after.status !== 'failed')
        await runs.save({ ...after, status: 'failed', nextAttemptAt: null });
      await runs.syncEventStatus(eventId);
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
      // Hookdock was killed while these ran: what they left running goes before they run again.
      const left = await endInterruptedRuns(
        interrupted.map((run) => run.id),
        attemptDeps.killGraceMs ?? 2000,
      );
      for (const run of interrupted) {
        const ended = describeEnded(left.get(run.id) ?? []);
        await runs.save({ ...closeInterrupted(run, now, ended), status: 'queued' });
      }
    },

    async afterStart() {
      for (const run of [...runs.values()]) {
        if (!LIVE.has(run.status)) continue;
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
