// One attempt of an agent action ("Ask an AI agent") in the run card: what the
// endpoint answered, the model's reply as text (never as HTML), and token usage.
import type { AgentAttemptResult } from '../../../shared/actions';
import type { Attempt } from '../../../shared/types';
import { AttemptMeta } from './AttemptMeta';

export function AgentAttempt({ attempt: a }: { attempt: Attempt }) {
  const result = (a.result ?? null) as AgentAttemptResult | null;
  const running = a.finishedAt === null;
  const answered = !running && result?.status === 200;
  const outcome = running
    ? 'Asking the agent…'
    : a.error
      ? a.error
      : answered
        ? `Answered by ${result.model}`
        : 'The agent gave no answer.';
  return (
    <li
      className={`attempt ${running ? 'is-running' : answered && !a.error ? 'is-ok' : 'is-bad'}`}
      data-attempt={a.attempt}
      data-kind="agent"
    >
      <AttemptMeta attempt={a} outcome={outcome} running={running} />
      {result?.reply ? (
        <div className="output">
          <pre className="code-block output-stdout" aria-label={`Reply of attempt ${a.attempt}`} tabIndex={0}>
            {result.reply}
          </pre>
          {result.truncated && <p className="muted small">The reply was long, so only its start is kept.</p>}
          {result.usage && (
            <p className="muted small">
              {result.model} · {result.usage.promptTokens} tokens in, {result.usage.completionTokens} out
            </p>
          )}
        </div>
      ) : (
        !running && answered && <p className="muted small">The agent answered with an empty reply.</p>
      )}
    </li>
  );
}
