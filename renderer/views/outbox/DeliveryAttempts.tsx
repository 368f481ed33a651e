// Everything about one outgoing webhook an owner needs to debug it: each attempt
// with its clock time and what the other side answered (status, time, the start of
// its body — also when the attempt failed), and the payload that was sent.
import type { Delivery, DeliveryAttempt } from '../../../shared/types';
import { formatDateTime, formatDuration, formatTime } from '../../lib/format';

/** "503 in 120 ms", "Connection refused", "503 in 120 ms — Timed out": the attempt's outcome in words. */
export function attemptOutcome(a: DeliveryAttempt): string {
  const answered = a.statusCode !== null ? `${a.statusCode} in ${formatDuration(a.durationMs)}` : null;
  if (answered && a.error) return `${answered} — ${a.error}`;
  return answered ?? a.error ?? 'No answer';
}

export function DeliveryAttempts({ delivery: d }: { delivery: Delivery }) {
  const sent = JSON.stringify({ type: d.type, data: d.data }, null, 2);
  return (
    <details className="delivery-details">
      <summary>{d.attempts.length === 0 ? 'Payload' : `Attempts (${d.attempts.length}) and payload`}</summary>
      {d.attempts.length > 0 && (
        <ol className="delivery-attempts">
          {[...d.attempts].reverse().map((a) => (
            <li key={a.attempt} data-attempt={a.attempt}>
              <div className="small">
                <strong>Attempt {a.attempt}</strong>{' '}
                <time dateTime={a.at} title={formatDateTime(a.at)}>
                  at {formatTime(a.at)}
                </time>{' '}
                · <span className="attempt-outcome">{attemptOutcome(a)}</span>
              </div>
              {a.responseBody ? (
                <pre className="code-block" tabIndex={0} aria-label={`Answer to attempt ${a.attempt}`}>
                  {a.responseBody}
                </pre>
              ) : (
                <p className="muted small">
                  {a.statusCode !== null ? 'The answer had no body.' : 'Nothing came back.'}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      <p className="small muted">
        Sent as <code>webhook-id: {d.webhookId}</code>, body:
      </p>
      <pre className="code-block" tabIndex={0} aria-label="Payload sent">
        {sent}
      </pre>
    </details>
  );
}
