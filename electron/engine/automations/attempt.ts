// One attempt of a run: what the 'run' job does each time the scheduler
// starts it, and what a test run does once. It records the attempt on the run
// before the script starts (so the dashboard shows it running) and again
// when it ends, and queues the script's sends only when it exited 0.
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
import { envelopeJson } from './envelope';
import type { SpawnScript } from './launcher/types';
import { createLiveOutput } from './output';
import { runScript } from './runner';
import type { RunBook } from './runs';
import { checkDestinations, SendCollector } from './sends';

export interface AttemptDeps {
  runs: RunBook;
  store: Store;
  config: ConfigService;
  outbox: Outbox;
  bus: Bus;
  logger: Logger;
  clock: Clock;
  /** DATA_DIR/tmp: event files. */
  tmpDir: string;
  spawn?: SpawnScript;
  nodePath?: string;
  killGraceMs?: number;
  liveIntervalMs?: number;
}

export const INTERRUPTED = 'Hookdock stopped while this attempt ran, so it was tried again.';

/** Attempts left open by a crash, closed with a note: the job runs them again. */
export function closeInterrupted(run: Run, finishedAt: string): Run {
  if (!run.attempts.some((a) => a.finishedAt === null)) return run;
  const attempts = run.attempts.map((a) =>
    a.finishedAt === null ? { ...a, finishedAt, error: a.error ?? INTERRUPTED } : a,
  );
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
      : null;
  const started = refusal ? null : startAttempt(deps, run);
  // The run shows this attempt running once the script may start: the job is durable and
  // holds a work slot (it may wait for one while other scripts run).
  const go = started ? saved.then(started.record) : saved;
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
  /** Saves the attempt as running, timed from now (not awaited: bookkeeping for the dashboard). */
  record(): void;
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
      deps.runs.save(started.running).then(
        () => deps.runs.syncEventStatus(run.eventId),
        (err) => deps.logger.error('Could not record the start of a script attempt.', { run: run.id, err }),
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

  const live = createLiveOutput({
    intervalMs: deps.liveIntervalMs,
    emit: (stream, chunk) =>
      deps.bus.emit('run.output', { runId: run.id, eventId: run.eventId, attempt: n, stream, chunk }),
  });
  const collector = new SendCollector();
  let result: Awaited<ReturnType<typeof runScript>>;
  try {
    // runScript prepares (event file, checks) while `jobSaved` syncs, and spawns only after it.
    result = await runScript({
      command: automation.run.command,
      args: automation.run.args,
      cwd: automation.run.cwd,
      timeoutSeconds: automation.run.timeoutSeconds,
      envelopeJson: envelopeJson(event),
      env: {
        HOOKDOCK_EVENT_ID: event.id,
        HOOKDOCK_EVENT_TYPE: event.type,
        HOOKDOCK_SOURCE: event.source,
        HOOKDOCK_RUN_ID: run.id,
        HOOKDOCK_ATTEMPT: String(n),
        HOOKDOCK_AUTOMATION_ID: automation.id,
      },
      tmpDir: deps.tmpDir,
      onOutput: live.push,
      onStdoutLine: (line) => collector.push(line),
      signal,
      spawn: deps.spawn,
      nodePath: deps.nodePath,
      killGraceMs: deps.killGraceMs,
      ready: jobSaved,
    });
  } catch (err) {
    if (await durable(jobSaved)) throw err; // not ours to hide: the scheduler counts it as a failed attempt
    return NOT_SAVED; // `jobSaved` rejected: nothing ran and nothing was written
  }
  live.flush();

  const ok = result.error === null && !signal.aborted;
  const notes: string[] = result.error ? [result.error] : [];
  if (ok) notes.push(...(await queueSends(deps, run, collector)));
  else if (collector.sends.length > 0) {
    notes.push(`${collector.sends.length} send line(s) were not sent: sends leave only from an attempt that exits 0.`);
  }

  // Read now: record() timed the attempt when its script could start.
  const { running, attempt } = started;
  const finished: Attempt = {
    ...attempt,
    finishedAt: iso(),
    exitCode: result.exitCode,
    signal: result.signal,
    error: notes.length ? notes.join(' ') : null,
    stdout: result.stdout,
    stderr: result.stderr,
    truncated: result.truncated,
  };
  const attempts = running.attempts.map((a) => (a.attempt === n ? finished : a));
  const saved = deps.runs.save({ ...running, status: ok ? 'succeeded' : 'running', attempts });
  if (ok) {
    // Not awaited: the scheduler's job deletion goes to the journal after this record,
    // so it shares its group commit and is never durable before it. A crash before
    // then leaves a live run without a job: re-queued at start (at-least-once).
    // Issued now, not once the run is durable: the run book answers with the record just
    // issued, so the event's new status follows it in the journal (never durable before
    // it) and usually rides the same group commit instead of paying one sync of its own.
    void deps.runs.syncEventStatus(run.eventId);
    saved.catch((err) => {
      deps.logger.error('Could not record the end of a script attempt.', { run: run.id, err });
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
  return { ok: false, error: finished.error ?? 'The script failed.' };
}

/**
 * Queues the attempt's sends; returns the problems, as sentences, to record on the attempt.
 * A send the outbox cannot deliver (no such destination, a malformed line) is still handed to
 * it, so it becomes a failed delivery: in the Outbox, the "Failed sends" count and the event page.
 */
async function queueSends(deps: AttemptDeps, run: Run, collector: SendCollector): Promise<string[]> {
  const { errors } = checkDestinations(collector.sends, deps.config.current());
  const problems = [...collector.allErrors(), ...errors];
  const all = [
    ...collector.sends.map((s) => ({ ...s, error: undefined as string | undefined })),
    ...collector.invalid.map((s) => ({ ...s, data: null })),
  ];
  for (const s of all) {
    try {
      await deps.outbox.send({
        destinationId: s.destination,
        type: s.type,
        data: s.data,
        eventId: run.eventId,
        runId: run.id,
        error: s.error,
      });
    } catch (err) {
      deps.logger.error('Could not queue a send.', { run: run.id, err });
      problems.push(`stdout line ${s.line}: the send to "${s.destination}" could not be stored, so it was not sent.`);
    }
  }
  return problems;
}

async function recordRefusal(deps: AttemptDeps, run: Run, error: string, at: string): Promise<void> {
  const attempt: Attempt = { ...startedAttempt(run.attempts.length + 1, at), finishedAt: at, error };
  await deps.runs.save({ ...run, attempts: [...run.attempts, attempt] });
}
