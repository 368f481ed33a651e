import { startedAttempt } from '../../../shared/attempts';
import type { Attempt, Run } from '../../../shared/types';
import { StatusPill } from '../../components/Badge';
import { Button } from '../../components/Button';
import { RUN_REASON, formatDateTime, formatRelative } from '../../lib/format';
import { runWord } from '../../lib/statusWords';
import { AgentAttempt } from './AgentAttempt';
import { AttemptMeta } from './AttemptMeta';

export type LiveOutput = Map<string, { stdout: string; stderr: string }>;
export const liveKey = (runId: string, attempt: number) => `${runId}:${attempt}`;

/** One automation's run on this event: every attempt, its exit, time and output. */
export function RunCard({
  run,
  automationName,
  live,
  onRetry,
  retrying,
  paused = false,
  now = Date.now(),
}: {
  run: Run;
  /** Automations are paused: a waiting run says "Paused". */
  paused?: boolean;
  /** The ticking clock of the page, for the retry countdown. */
  now?: number;
  automationName: string;
  live: LiveOutput;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const st = runWord(run, paused, now);
  const reasonLabel = RUN_REASON[run.reason ?? 'event'];
  return (
    <article
      className="run-card"
      data-run-id={run.id}
      data-reason={run.reason ?? 'event'}
      aria-label={`${reasonLabel ? `${reasonLabel} of` : 'Run of'} ${automationName}`}
    >
      <header className="run-header">
        <div>
          <h3 className="run-title">
            {automationName}
            {reasonLabel && (
              <span className={`tag ${run.reason === 'test' ? 'tag-test' : 'tag-replay'}`}>{reasonLabel}</span>
            )}
            {run.test && run.reason !== 'test' && <span className="tag tag-test">On a test event</span>}
          </h3>
          <p className="muted small">
            Started {formatDateTime(run.createdAt)}
            {run.reason === 'test' && <> · a test: it never changes the event&rsquo;s status or the counters</>}
            {run.status === 'retrying' && run.nextAttemptAt && (
              <span data-testid="next-try"> · next try {formatRelative(run.nextAttemptAt, now)}</span>
            )}
          </p>
        </div>
        <div className="run-actions">
          <StatusPill tone={st.tone} label={st.label} />
          {run.status === 'failed' && onRetry && (
            <Button size="sm" onClick={onRetry} busy={retrying}>
              Run again
            </Button>
          )}
        </div>
      </header>
      {withLiveAttempts(run, live).length === 0 ? (
        <p className="muted small">Waiting for its turn to run…</p>
      ) : (
        <ol className="attempts">
          {withLiveAttempts(run, live)
            .reverse()
            .map((a) => (
              <AttemptItem key={a.attempt} attempt={a} live={live.get(liveKey(run.id, a.attempt))} />
            ))}
        </ol>
      )}
    </article>
  );
}

function AttemptItem({ attempt: a, live }: { attempt: Attempt; live?: { stdout: string; stderr: string } }) {
  if (a.kind === 'agent') return <AgentAttempt attempt={a} />;
  const running = a.finishedAt === null;
  // While running, the pushed chunks are newer than what the last update carried.
  const stdout = running && live?.stdout ? live.stdout : a.stdout;
  const stderr = running && live?.stderr ? live.stderr : a.stderr;
  const outcome = running
    ? 'Running…'
    : a.error
      ? a.error
      : a.signal
        ? `Stopped (${a.signal})`
        : a.exitCode === 0
          ? 'Finished (exit code 0)'
          : `Failed (exit code ${a.exitCode ?? '?'})`;
  const ok = !running && a.exitCode === 0 && !a.error;
  return (
    <li className={`attempt ${running ? 'is-running' : ok ? 'is-ok' : 'is-bad'}`} data-attempt={a.attempt}>
      <AttemptMeta attempt={a} outcome={outcome} running={running} />
      {stdout || stderr ? (
        <div className="output" aria-live={running ? 'polite' : undefined}>
          {stdout && (
            <pre className="code-block output-stdout" aria-label={`Output of attempt ${a.attempt}`} tabIndex={0}>
              {stdout}
            </pre>
          )}
          {stderr && (
            <pre className="code-block output-stderr" aria-label={`Errors of attempt ${a.attempt}`} tabIndex={0}>
              {stderr}
            </pre>
          )}
          {a.truncated && <p className="muted small">The output was long, so only its start and end are kept.</p>}
        </div>
      ) : (
        <p className="muted small">{running ? 'No output yet.' : 'The script printed nothing.'}</p>
      )}
    </li>
  );
}

/** Output can arrive before the update that lists its attempt: show that attempt as running. */
function withLiveAttempts(run: Run, live: LiveOutput): Attempt[] {
  const list = [...run.attempts];
  const prefix = `${run.id}:`;
  for (const key of live.keys()) {
    if (!key.startsWith(prefix)) continue;
    const n = Number(key.slice(prefix.length));
    if (!list.some((a) => a.attempt === n)) {
      list.push(startedAttempt(n, run.createdAt));
    }
  }
  return list.sort((a, b) => a.attempt - b.attempt);
}
