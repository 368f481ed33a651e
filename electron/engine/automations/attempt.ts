// One attempt of a run: what the 'run' job does each time the scheduler
// starts it, and what a test run does once. It records the attempt on the run
// before the script starts (so the dashboard shows it running) and again
// when it ends, and queues the script's sends only when it exited 0.
import type { spawn as nodeSpawn } from 'node:child_process';
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
  spawn?: typeof nodeSpawn;
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

export async function executeAttempt(
  deps: AttemptDeps,
  runId: string,
  signal: AbortSignal,
  opts: { allowDisabled?: boolean } = {},
): Promise<JobOutcome> {
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
  const event = refusal ? undefined : await deps.store.getEvent(run.eventId);
  const problem = refusal ?? (event ? null : 'The event is no longer stored (removed after the retention period).');
  if (problem) {
    await recordRefusal(deps, run, problem, iso());
    return { ok: false, error: problem, stop: true };
  }
  return runAttempt(deps, run, automation!, event!, signal);
}

async function runAttempt(
  deps: AttemptDeps,
  run: Run,
  automation: AutomationConfig,
  event: StoredEvent,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const iso = () => new Date(deps.clock.now()).toISOString();
  const n = run.attempts.length + 1;
  const attempt: Attempt = {
    attempt: n,
    startedAt: iso(),
    finishedAt: null,
    exitCode: null,
    signal: null,
    error: null,
    stdout: '',
    stderr: '',
    truncated: false,
  };
  const running: Run = { ...run, status: 'running', nextAttemptAt: null, attempts: [...run.attempts, attempt] };
  // Not awaited: the fsync overlaps the spawn (the store's journal keeps the order of
  // writes). The scheduler made the job 'active' durably before calling us, so a crash
  // now still re-runs the attempt.
  deps.runs.save(running).then(
    () => deps.runs.syncEventStatus(run.eventId),
    (err) => deps.logger.error('Could not record the start of a script attempt.', { run: run.id, err }),
  );

  const live = createLiveOutput({
    intervalMs: deps.liveIntervalMs,
    emit: (stream, chunk) =>
      deps.bus.emit('run.output', { runId: run.id, eventId: run.eventId, attempt: n, stream, chunk }),
  });
  const collector = new SendCollector();
  const result = await runScript({
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
  });
  live.flush();

  const ok = result.error === null && !signal.aborted;
  const notes: string[] = result.error ? [result.error] : [];
  if (ok) notes.push(...(await queueSends(deps, run, collector)));
  else if (collector.sends.length > 0) {
    notes.push(`${collector.sends.length} send line(s) were not sent: sends leave only from an attempt that exits 0.`);
  }

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
    saved.then(
      () => deps.runs.syncEventStatus(run.eventId),
      (err) => deps.logger.error('Could not record the end of a script attempt.', { run: run.id, err }),
    );
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

/** Queues the attempt's valid sends; returns the problems, as sentences, to record on the attempt. */
async function queueSends(deps: AttemptDeps, run: Run, collector: SendCollector): Promise<string[]> {
  const { ok, errors } = checkDestinations(collector.sends, deps.config.current());
  const problems = [...collector.allErrors(), ...errors];
  for (const s of ok) {
    try {
      await deps.outbox.send({
        destinationId: s.destination,
        type: s.type,
        data: s.data,
        eventId: run.eventId,
        runId: run.id,
      });
    } catch (err) {
      deps.logger.error('Could not queue a send.', { run: run.id, err });
      problems.push(`stdout line ${s.line}: the send to "${s.destination}" could not be stored, so it was not sent.`);
    }
  }
  return problems;
}

async function recordRefusal(deps: AttemptDeps, run: Run, error: string, at: string): Promise<void> {
  const attempt: Attempt = {
    attempt: run.attempts.length + 1,
    startedAt: at,
    finishedAt: at,
    exitCode: null,
    signal: null,
    error,
    stdout: '',
    stderr: '',
    truncated: false,
  };
  await deps.runs.save({ ...run, attempts: [...run.attempts, attempt] });
}
