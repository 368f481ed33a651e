// One attempt's heading line, shared by every kind's attempt view (script output, agent reply).
import type { Attempt } from '../../../shared/types';
import { durationBetween, formatDateTime, formatDuration, formatTime } from '../../lib/format';

/** An attempt's heading line: its number, clock time, outcome and duration (or how long it has run). */
export function AttemptMeta({ attempt: a, outcome, running }: { attempt: Attempt; outcome: string; running: boolean }) {
  return (
    <div className="attempt-meta">
      <strong>Attempt {a.attempt}</strong>
      <time className="attempt-clock" dateTime={a.startedAt} title={formatDateTime(a.startedAt)}>
        at {formatTime(a.startedAt)}
      </time>
      <span className="attempt-outcome">{outcome}</span>
      <span className="muted">
        {running ? `since ${formatDateTime(a.startedAt)}` : formatDuration(durationBetween(a.startedAt, a.finishedAt))}
      </span>
    </div>
  );
}
