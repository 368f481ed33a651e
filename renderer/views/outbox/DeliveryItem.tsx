import type { Delivery } from '../../../shared/types';
import { StatusPill } from '../../components/Badge';
import { Button } from '../../components/Button';
import { formatDateTime, formatDuration, formatRelative } from '../../lib/format';
import { useNames } from '../../lib/names';
import { deliveryWord } from '../../lib/statusWords';
import { DeliveryAttempts } from './DeliveryAttempts';

/** "200 in 120 ms", "Connection refused", "503: Service Unavailable…" */
export function lastResponse(d: Delivery): string {
  const a = d.attempts[d.attempts.length - 1];
  if (!a) return 'Not sent yet';
  // The other side's answer is shown on failure too: it is usually what says why.
  const body = a.responseBody ? `: ${a.responseBody.replace(/\s+/g, ' ').slice(0, 120)}` : '';
  if (a.statusCode === null) return a.error ?? 'No answer';
  return `${a.statusCode} in ${formatDuration(a.durationMs)}${body}${a.error && !body ? ` (${a.error})` : ''}`;
}

/** Failed before reaching the destination (no such destination, a malformed send line). */
function notSent(d: Delivery): boolean {
  const a = d.attempts[d.attempts.length - 1];
  return Boolean(a?.error) && a?.statusCode == null && a?.durationMs === 0;
}

export function DeliveryItem({
  delivery: d,
  compact,
  onRetry,
  retrying,
}: {
  delivery: Delivery;
  compact?: boolean;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const names = useNames();
  const st = deliveryWord(d);
  const canRetry = d.status === 'failed' || d.status === 'retrying';
  return (
    <li className={`delivery ${compact ? 'is-compact' : ''}`} data-delivery-id={d.id}>
      <div className="delivery-main">
        <div className="delivery-what">
          <strong>{d.type || '(no type)'}</strong>
          <span className="muted"> to {d.destinationId ? names.destination(d.destinationId) : '(no destination)'}</span>
        </div>
        <div className="delivery-meta muted small">
          {d.attempts.length === 1 ? '1 attempt' : `${d.attempts.length} attempts`} · queued{' '}
          {formatDateTime(d.createdAt)}
          {d.status === 'retrying' && d.nextAttemptAt && <> · next try {formatRelative(d.nextAttemptAt)}</>}
          {d.eventId && !compact && (
            <>
              {' · '}
              <a href={`#/events/${encodeURIComponent(d.eventId)}`}>from this event</a>
            </>
          )}
        </div>
        <div className="delivery-response small">
          {notSent(d) ? (
            // Hookdock's own sentence (no such destination, a malformed line): prose, not the other side's bytes.
            <>
              <span className="muted">Not sent: </span>
              <span className="delivery-reason">{lastResponse(d)}</span>
            </>
          ) : (
            <>
              <span className="muted">Last answer: </span>
              <code className="wrap">{lastResponse(d)}</code>
            </>
          )}
        </div>
        <DeliveryAttempts delivery={d} />
      </div>
      <div className="delivery-side">
        <StatusPill tone={st.tone} label={st.label} />
        {onRetry && canRetry && (
          <Button size="sm" onClick={onRetry} busy={retrying} aria-label={`Retry now: ${d.type} to ${d.destinationId}`}>
            Retry now
          </Button>
        )}
      </div>
    </li>
  );
}
