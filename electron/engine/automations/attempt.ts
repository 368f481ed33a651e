// One attempt of a run: what the 'run' job does each time the scheduler
// starts it, and what a test run does once. It records the attempt on the run
// before the action starts (so the dashboard shows it running) and again
// when it ends; the action itself is its kind's (actions/, handed in as a registry).
import { startedAttempt } from '../../../shared/attempts';
import type { AutomationConfig } from '../../../shared/config';
import type { Attempt, Run } from '../../../shared/types';
import type { JobOutcome } from '../jobs/scheduler';
import type { Outbox } from '../outbox/outbox';
import type { StoredEvent } from '../store/types';
import type { ConfigService } from '../types';
import type { Store } from '../store/types';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { ActionContext, ActionOutcome, ActionRegistry } from '../actions/types';
import type { RunBook } from './runs';

export interface AttemptDeps {
  runs: RunBook;
  store: Store;
  config: ConfigService;
  outbox: Outbox;
  bus: Bus;
  logger: Logger;
  clock: Clock;
  actions: ActionRegistry;
}

export const INTERRUPTED = 'Hookdock stopped while this attempt ran, so it was tried again.';

/**
 * Attempts left open by a crash, closed with a note: the job runs them again.
 * `ended`: what Hookdock ended of what they left running (process-tree.ts describeEnded).
 */
export function closeInterrupted(run: Run, finishedAt: string, ended: string | null = null): Run {
  if (!run.attempts.some((a) => a.finishedAt === null)) return run;
  const note = (a: Attempt) => `${a.error ?? INTERRUPTED}${ended ? ` Hookdock ${ended} it had left running.` : ''}`;
  const attempts = run.attempts.map((a) => (a.finishedAt === null ? { ...a, finishedAt, error: note(a) } : a));
  return { ...run, attempts };
}

/** What an overlapping attempt returns when its job's 'active' record could not be saved (the scheduler ignores it). */
const NOT_SAVED: JobOutcome = { ok: false, error: 'The job could not be saved before running, so it did not run.' };
const durable = (saved: Promise<void>) =>
  saved.then(
    () => true,
    () => false,
  );

/**
 * `saved` (from the scheduler): settles when the job's 'active' record is durable and the
 * attempt holds a work slot; it rejects when the job could not be saved or the wait was
 * called off (paused, stopping). Until then the attempt only prepares; nothing it does
 * becomes durable before that record.
 */
export async function executeAttempt(
  deps: AttemptDeps,
  runId: string,
  signal: AbortSignal,
  opts: { allowDisabled?: boolean; saved?: Promise<void> } = {},
): Promise<JobOutcome> {
  const saved = opts.saved ?? Promise.resolve();
  const iso = () => new Date(deps.clock.now()).toISOString();
  const found = deps.runs.get(runId);
  if (!found) return { ok: true }; // removed by retention: nothing left to do
  const run = closeInterrupted(found, iso());

  const automation = deps.config.current().automations.find((a) => a.id === run.automationId);
  const refusal = !automation
    ? `The automation "${run.automationId}" no longer exists.`
    : !automation.enabled && !opts.allowDisabled
      ? `The automation "${run.automationId}" is turned off, so it did not run.`
      : !deps.actions.get(automation.action.kind)
        ? `This Hookdock cannot do "${automation.action.kind}" actions; update Hookdock or change the automation.`
        : null;
  const started = refusal ? null : startAttempt(deps, run);
  // The run shows this attempt running once the script may start: the job is durable and
  // holds a work slot (it may wait for one while other scripts run).
  // Acting waits for the run's 'running' record too: attempt numbers come from the run's attempts.
  const go = started ? saved.then(() => started.record()) : saved;
  const event = refusal ? undefined : await deps.store.getEvent(run.eventId);
  const problem = refusal ?? (event ? null : 'The event is no longer stored (removed after the retention period).');
  if (problem) {
    if (!(await durable(saved))) return NOT_SAVED;
    // Saved after the 'running' record, so this one is the last word.
    await recordRefusal(deps, run, problem, iso());
    return { ok: false, error: problem, stop: true };
  }
  return runAttempt(deps, started!, automation!, event!, signal, go);
}

interface Started {
  running: Run;
  attempt: Attempt;
  /**
   * Saves the attempt as running, timed from now. Resolves once that record is durable (a
   * failed save is logged): the action acts only after it, so a crash from then on finds the
   * attempt counted and the retry is attempt n+1 (a csv row's retry looks for its row first).
   */
  record(): Promise<void>;
}

function startAttempt(deps: AttemptDeps, run: Run): Started {
  const at = (ms: number) => {
    const attempt: Attempt = startedAttempt(run.attempts.length + 1, new Date(ms).toISOString());
    return {
      attempt,
      running: { ...run, status: 'running' as const, nextAttemptAt: null, attempts: [...run.attempts, attempt] },
    };
  };
  const started: Started = {
    ...at(deps.clock.now()),
    record() {
      // From now: the attempt may have waited for a work slot since it was prepared.
      Object.assign(started, at(deps.clock.now()));
      // The scheduler's 'active' job record is durable already, so a crash from here on
      // re-runs the attempt whatever became of this one.
      return deps.runs.save(started.running).then(
        () => undefined,
        (err) => deps.logger.error('Could not record the start of an attempt.', { run: run.id, err }),
      );
    },
  };
  return started;
}

async function runAttempt(
  deps: AttemptDeps,
  started: Started,
  automation: AutomationConfig,
  event: StoredEvent,
  signal: AbortSignal,
  jobSaved: Promise<void>,
): Promise<JobOutcome> {
  const iso = () => new Date(deps.clock.now()).toISOString();
  const run = started.running;
  const n = started.attempt.attempt;

  const kind = deps.actions.get(automation.action.kind)!; // checked with the refusals
  const ctx: ActionContext = {
    action: automation.action,
    automationId: automation.id,
    runId: run.id,
    // Runs stored before reasons existed ran because their event arrived.
    reason: run.reason ?? 'event',
    test: run.test === true || event.test === true,
    attempt: n,
    ready: jobSaved,
    config: () => deps.config.current(),
    logger: deps.logger,
    output: (stream, chunk) =>
      deps.bus.emit('run.output', { runId: run.id, eventId: run.eventId, attempt: n, stream, chunk }),
    send: (s) => deps.outbox.send({ ...s, eventId: run.eventId, runId: run.id }).then(() => undefined),
  };
  let outcome: ActionOutcome;
  try {
    // The kind prepares while `jobSaved` syncs, and acts only after it.
    outcome = await kind.run(ctx, event, signal);
  } catch (err) {
    if (await durable(jobSaved)) throw err; // not ours to hide: the scheduler counts it as a failed attempt
    return NOT_SAVED; // `jobSaved` rejected: nothing ran and nothing was written
  }
  const ok = outcome.ok && !signal.aborted;

  // Read now: record() timed the attempt when its script could start.
  const { running, attempt } = started;
  const finished: Attempt = {
    ...attempt,
    ...outcome.fields,
    kind: automation.action.kind,
    finishedAt: iso(),
    error: outcome.error,
  };
  const attempts = running.attempts.map((a) => (a.attempt === n ? finished : a));
  const saved = deps.runs.save({ ...running, status: ok ? 'succeeded' : 'running', attempts });
  if (ok) {
    // Not awaited: the scheduler's job deletion goes to the journal after this record,
    // so it shares its group commit and is never durable before it. A crash before
    // then leaves a live run without a job: re-queued at start (at-least-once).
    // The run book issues the event's new status right after this record (never durable
    // before it), so it usually rides the same group commit instead of paying a sync of its own.
    saved.catch((err) => {
      deps.logger.error('Could not record the end of an attempt.', { run: run.id, err });
      // The status may have gone out in a later batch: recompute it from what is durable.
      void deps.runs.syncEventStatus(run.eventId);
    });
    return { ok: true };
  }
  try {
    await saved;
  } catch (err) {
    // Stopping (store closing) or a full disk: the job stays active and runs again after a restart.
    deps.logger.error('Could not record the end of a script attempt.', { run: run.id, err });
  }
  return {
    ok: false,
    error: finished.error ?? 'The action failed.',
    ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
  };
}

async function recordRefusal(deps: AttemptDeps, run: Run, error: string, at: string): Promise<void> {
  const attempt: Attempt = { ...startedAttempt(run.attempts.length + 1, at), finishedAt: at, error };
  await deps.runs.save({ ...run, attempts: [...run.attempts, attempt] });
}
