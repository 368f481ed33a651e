import { memo } from 'react';
import { humanizeType } from '../../../shared/summary';
import type { EventSummary, RunStatus } from '../../../shared/types';
import { ProviderMark, StatusPill } from '../../components/Badge';
import { useAppState } from '../../api/store';
import { RUN_STATUS, formatDateTime, formatTime } from '../../lib/format';
import { useNames, type Names } from '../../lib/names';
import { eventWord } from '../../lib/statusWords';
import { RejectedReason, unverifiedLabel } from '../event/RejectedReason';

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
  const names = useNames();
  const paused = useAppState((s) => Boolean(s.status?.automationsPaused));
  const status = eventWord(event.status, ran, paused);
  const label = humanizeType(event.type);
  const ranText = describeRan(ran, names);
  const sourceName = names.source(event.source);
  // A request that failed its check is not summarised like a real order: anyone could have sent it.
  const unverified = event.status === 'rejected' && !event.verification.ok;
  // The whole reason is the row's description (read after its name on focus); the cell shows two lines of it.
  const reasonId = unverified && event.verification.reason ? `reason-${event.id}` : undefined;
  return (
    <a
      className={`feed-row status-${event.status}`}
      href={`#/events/${encodeURIComponent(event.id)}`}
      data-event-id={event.id}
      tabIndex={active ? 0 : -1}
      onFocus={() => onFocusRow(index)}
      aria-describedby={reasonId}
      aria-label={`${event.test ? 'Test event: ' : ''}${label}${event.summary && !unverified ? `, ${event.summary}` : ''}, from ${sourceName}, ${status.label}, ${formatDateTime(event.receivedAt)}`}
    >
      <time className="feed-time" dateTime={event.receivedAt} title={formatDateTime(event.receivedAt)}>
        {formatTime(event.receivedAt)}
      </time>
      <span className="feed-source">
        <ProviderMark provider={event.provider} size="sm" />
        <span className="feed-source-name" title={sourceName === event.source ? undefined : `id: ${event.source}`}>
          {sourceName}
        </span>
      </span>
      <span className="feed-what">
        <span className="feed-label">
          <span className="feed-label-text">{label}</span>
          {event.test && (
            <span className="tag tag-test" title='Made by Hookdock&apos;s "Send a test event"; not counted.'>
              Test
            </span>
          )}
          {event.recovered && (
            <span
              className="tag tag-recovered"
              title="Missed while Hookdock was away; fetched from the provider's API."
            >
              Recovered
            </span>
          )}
          {event.replayOf && <span className="tag">edited replay</span>}
          {event.redeliveries > 0 && <span className="tag">sent {event.redeliveries + 1}×</span>}
        </span>
        <span className="feed-type">{event.type}</span>
      </span>
      {unverified ? (
        <span className="feed-summary is-unverified">
          <span className="unverified-tag">{unverifiedLabel(event.provider)}</span>
          {event.verification.reason && <RejectedReason reason={event.verification.reason} compact id={reasonId} />}
        </span>
      ) : (
        <span className="feed-summary">{event.summary ?? ''}</span>
      )}
      <span className="feed-status">
        <StatusPill tone={status.tone} label={status.label} title={status.hint} />
        {!unverified && ranText && <span className="feed-ran">{ranText}</span>}
      </span>
    </a>
  );
});

function describeRan(ran: { automationId: string; status: RunStatus }[], names: Names): string {
  if (!ran.length) return '';
  const first = ran[0];
  const word = RUN_STATUS[first.status]?.label.toLowerCase() ?? first.status;
  const more = ran.length > 1 ? ` +${ran.length - 1}` : '';
  return `${names.automation(first.automationId)} ${word}${more}`;
}
