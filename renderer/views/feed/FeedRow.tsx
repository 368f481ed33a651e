import { memo } from 'react';
import { humanizeType } from '../../../shared/summary';
import type { EventSummary, RunStatus } from '../../../shared/types';
import { ProviderMark, StatusPill } from '../../components/Badge';
import { EVENT_STATUS, RUN_STATUS, formatDateTime, formatTime } from '../../lib/format';

export interface FeedRowProps {
  event: EventSummary;
  ran: { automationId: string; status: RunStatus }[];
  active: boolean;
  index: number;
  /** Stable across renders (so memo holds): told which row took focus. */
  onFocusRow: (index: number) => void;
}

/** One line of the feed: when, from where, what happened, and how it went. */
export const FeedRow = memo(function FeedRow({ event, ran, active, index, onFocusRow }: FeedRowProps) {
  const status = EVENT_STATUS[event.status] ?? { label: event.status, tone: 'neutral' as const, hint: '' };
  const label = humanizeType(event.type);
  const ranText = describeRan(ran);
  return (
    <a
      className={`feed-row status-${event.status}`}
      href={`#/events/${encodeURIComponent(event.id)}`}
      data-event-id={event.id}
      tabIndex={active ? 0 : -1}
      onFocus={() => onFocusRow(index)}
      aria-label={`${event.test ? 'Test event: ' : ''}${label}${event.summary ? `, ${event.summary}` : ''}, from ${event.source}, ${status.label}, ${formatDateTime(event.receivedAt)}`}
    >
      <time className="feed-time" dateTime={event.receivedAt} title={formatDateTime(event.receivedAt)}>
        {formatTime(event.receivedAt)}
      </time>
      <span className="feed-source">
        <ProviderMark provider={event.provider} size="sm" />
        <span className="feed-source-name">{event.source}</span>
      </span>
      <span className="feed-what">
        <span className="feed-label">
          {label}
          {event.test && (
            <span className="tag tag-test" title='Made by Hookdock&apos;s "Send a test event"; not counted.'>
              Test
            </span>
          )}
          {event.replayOf && <span className="tag">edited replay</span>}
          {event.redeliveries > 0 && <span className="tag">sent {event.redeliveries + 1}×</span>}
        </span>
        <span className="feed-type">{event.type}</span>
      </span>
      <span className="feed-summary">{event.summary ?? ''}</span>
      <span className="feed-status">
        <StatusPill tone={status.tone} label={status.label} title={status.hint} />
        {event.status === 'rejected' && event.verification.reason ? (
          <span className="feed-ran" title={event.verification.reason}>
            {event.verification.reason}
          </span>
        ) : (
          ranText && <span className="feed-ran">{ranText}</span>
        )}
      </span>
    </a>
  );
});

function describeRan(ran: { automationId: string; status: RunStatus }[]): string {
  if (!ran.length) return '';
  const first = ran[0];
  const word = RUN_STATUS[first.status]?.label.toLowerCase() ?? first.status;
  const more = ran.length > 1 ? ` +${ran.length - 1}` : '';
  return `${first.automationId} ${word}${more}`;
}
