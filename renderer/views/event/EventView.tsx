// One event in full: what it was, whether its signature checked out, every
// script run with its output (live while running), what it sent onward, and
// its headers and payload. Actions: replay, edit and replay, copy, export.
import { payloadText } from '../../lib/jsonText';
import { useCallback, useEffect, useRef, useState } from 'react';
import { humanizeType, summarize } from '../../../shared/summary';
import type { HookEvent, Run } from '../../../shared/types';
import { errorMessage, getApi } from '../../api';
import { useAppState } from '../../api/store';
import { href, navigate } from '../../app/router';
import { ProviderMark, StatusPill } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { EmptyState } from '../../components/EmptyState';
import { toast, toastOnError } from '../../components/Toast';
import { copyText, downloadText } from '../../lib/clipboard';
import { formatBytes, formatDateTime, plural } from '../../lib/format';
import { useNames } from '../../lib/names';
import { providerInfo } from '../../lib/providers';
import { eventWord } from '../../lib/statusWords';
import { useNow } from '../../lib/useNow';
import { DeliveryItem } from '../outbox/DeliveryItem';
import { EditReplayDialog } from './EditReplayDialog';
import { ReplayDialog } from './ReplayDialog';
import { exportFileName, exportJson, toCurl } from './eventExport';
import { NoRunsYet } from './NoRunsYet';
import { PayloadPanel } from './PayloadPanel';
import { RejectedReason, unverifiedLabel } from './RejectedReason';
import { RunCard, liveKey, type LiveOutput } from './RunCard';

export function EventView({ id }: { id: string }) {
  const api = getApi();
  const status = useAppState((s) => s.status);
  const config = useAppState((s) => s.config);
  const [event, setEvent] = useState<HookEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveOutput>(new Map());
  const [busy, setBusy] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmingReplay, setConfirmingReplay] = useState(false);
  const names = useNames();
  const paused = Boolean(status?.automationsPaused);
  // Re-rendered while a run waits, so its countdown ticks.
  const now = useNow(Boolean(event?.runs.some((r) => r.status === 'retrying')));
  const eventRef = useRef<HookEvent | null>(null);
  eventRef.current = event;

  const load = useCallback(async () => {
    try {
      setEvent(await api.getEvent({ id }));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [api, id]);

  useEffect(() => {
    void load();
    const upsertRun = (run: Run) =>
      setEvent((ev) => {
        if (!ev || run.eventId !== ev.id) return ev;
        const has = ev.runs.some((r) => r.id === run.id);
        return { ...ev, runs: has ? ev.runs.map((r) => (r.id === run.id ? run : r)) : [...ev.runs, run] };
      });
    const offs = [
      api.listen('event.updated', (s) =>
        setEvent((ev) => (ev && ev.id === s.id ? { ...ev, ...s, runs: ev.runs } : ev)),
      ),
      api.listen('run.updated', upsertRun),
      api.listen('run.output', (o) => {
        if (o.eventId !== id) return;
        setLive((prev) => {
          const next = new Map(prev);
          const key = liveKey(o.runId, o.attempt);
          const cur = next.get(key) ?? { stdout: '', stderr: '' };
          next.set(key, { ...cur, [o.stream]: cur[o.stream] + o.chunk });
          return next;
        });
      }),
      api.listen('delivery.updated', (d) =>
        setEvent((ev) => {
          if (!ev || d.eventId !== ev.id) return ev;
          const has = ev.deliveries.some((x) => x.id === d.id);
          return { ...ev, deliveries: has ? ev.deliveries.map((x) => (x.id === d.id ? d : x)) : [...ev.deliveries, d] };
        }),
      ),
      api.onConnection((_s, reconnected) => {
        if (reconnected) void load();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, id, load]);

  const act = async (name: string, fn: () => Promise<void>) => {
    setBusy(name);
    await toastOnError(fn);
    setBusy(null);
  };

  if (error && !event) {
    return (
      <div className="page">
        <BackLink />
        <EmptyState
          title="This event could not be opened"
          action={
            <a className="btn btn-secondary" href="#/feed">
              Back to the feed
            </a>
          }
        >
          <p>{error}</p>
        </EmptyState>
      </div>
    );
  }
  if (!event) {
    return (
      <div className="page">
        <BackLink />
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Loading the event…
        </p>
      </div>
    );
  }

  const st = eventWord(event.status, event.runs, paused, now);
  const unverified = !event.verification.ok && !event.replayOf;
  const summary = event.summary ?? summarize(event.provider, event.type, event.payload);
  const automationName = (aid: string) => config?.automations.find((a) => a.id === aid)?.name || aid;
  const runs = [...event.runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  const replay = () =>
    act('replay', async () => {
      const r = await api.replayEvent({ id: event.id });
      setConfirmingReplay(false);
      toast(
        r.runs.length
          ? `Replayed: ${plural(r.runs.length, 'script')} started, marked as a replay.`
          : 'No automation matches this event, so nothing ran.',
        r.runs.length ? 'success' : 'info',
      );
      if (r.event.id !== event.id) navigate(href('events', r.event.id));
      else await load();
    });

  return (
    <div className="page event-page">
      <BackLink />
      <header className="event-header">
        <ProviderMark provider={event.provider} size="lg" />
        <div className="event-heading">
          <h1 className="page-title">
            {humanizeType(event.type)}
            {summary && !unverified && <span className="event-summary"> — {summary}</span>}
          </h1>
          {unverified && <p className="unverified-tag">{unverifiedLabel(event.provider)}</p>}
          <p className="muted">
            From <strong title={`id: ${event.source}`}>{names.source(event.source)}</strong> · <code>{event.type}</code>{' '}
            · {formatDateTime(event.receivedAt)} · {formatBytes(event.sizeBytes)}
            {event.redeliveries > 0 && <> · sent {event.redeliveries + 1} times by the provider, kept once</>}
          </p>
          {event.test && (
            <p className="notice tone-warning" data-testid="test-notice">
              <strong>Test event.</strong> Made by Hookdock&rsquo;s &ldquo;Send a test event&rdquo;, not sent by{' '}
              {event.source}. It is left out of the counts, and runs automations only when you ask for it.
            </p>
          )}
          {event.recovered && (
            <p className="notice tone-info" data-testid="recovered-notice">
              <strong>Recovered.</strong> Missed while Hookdock was away, and fetched from the provider&rsquo;s API
              afterwards. If the provider delivers it late, that delivery is kept as a duplicate and runs nothing again.
            </p>
          )}
          {event.replayOf && (
            <p className="notice tone-info">
              This is an edited replay of <a href={href('events', event.replayOf)}>another event</a>.
            </p>
          )}
        </div>
        <StatusPill tone={st.tone} label={st.label} title={st.hint} />
      </header>

      <div className="action-bar" role="toolbar" aria-label="Event actions">
        <Button
          variant="primary"
          onClick={() => setConfirmingReplay(true)}
          disabled={event.status === 'rejected'}
          title={event.status === 'rejected' ? 'Rejected events never run scripts.' : undefined}
        >
          Replay
        </Button>
        <Button onClick={() => setEditing(true)} disabled={event.status === 'rejected'}>
          Edit and replay
        </Button>
        <Button
          onClick={async () => {
            const ok = await copyText(toCurl(event, status?.receiverUrl ?? 'http://127.0.0.1:8787'));
            toast(
              ok
                ? 'Copied as a curl command. Note: signatures with a timestamp expire after a few minutes.'
                : 'Could not copy.',
              ok ? 'success' : 'danger',
            );
          }}
        >
          Copy as curl
        </Button>
        <Button onClick={() => downloadText(exportFileName(event), exportJson(event))}>Export as JSON</Button>
      </div>

      <div className="event-grid">
        <div className="event-main">
          <Card title={`Scripts run (${runs.length})`} labelledBy="runs-title">
            {runs.length === 0 ? (
              <p className="muted">
                {event.status === 'rejected' ? (
                  'Rejected events never run scripts.'
                ) : event.test ? (
                  // Its automations may well match: a test runs them only when asked for.
                  <>
                    No automation ran: a test event runs them only when you tick &ldquo;Also run my automations on
                    it&rdquo;, or when you replay it.
                  </>
                ) : (
                  <NoRunsYet event={event} automations={config?.automations ?? []} />
                )}
              </p>
            ) : (
              runs.map((run) => (
                <RunCard
                  key={run.id}
                  run={run}
                  automationName={automationName(run.automationId)}
                  paused={paused}
                  now={now}
                  live={live}
                  retrying={busy === `run-${run.id}`}
                  onRetry={
                    run.reason === 'test'
                      ? undefined
                      : () =>
                          act(`run-${run.id}`, async () => {
                            await api.retryRun({ id: run.id });
                            toast('Running it again.');
                          })
                  }
                />
              ))
            )}
          </Card>
          {event.deliveries.length > 0 && (
            <Card title={`Sent onward (${event.deliveries.length})`} labelledBy="deliveries-title">
              <ul className="plain-list">
                {event.deliveries.map((d) => (
                  <DeliveryItem key={d.id} delivery={d} compact />
                ))}
              </ul>
            </Card>
          )}
          <PayloadPanel event={event} />
        </div>
        <aside className="event-side">
          <Card title="Signature" labelledBy="verification-title">
            {event.replayOf ? (
              // Made here from another event: there is no sender's signature to speak of.
              <p className="verification">✎ Not signed: an edited copy, made in Hookdock.</p>
            ) : event.verification.ok ? (
              <p className="verification is-ok" data-testid="verification">
                {verifiedWords(event, names.source(event.source), providerInfo(event.provider).name)}
              </p>
            ) : (
              <RejectedReason
                reason={event.verification.reason ?? 'The signature did not match.'}
                provider={event.provider}
                sourceId={event.source}
                sourceName={names.source(event.source)}
              />
            )}
            {event.verification.ok && event.verification.reason && !event.recovered && (
              <p className="muted small">{event.verification.reason}</p>
            )}
          </Card>
          <Card title="Details" labelledBy="details-title">
            <dl className="kv">
              <dt>Event id</dt>
              <dd>
                <code>{event.id}</code>
              </dd>
              <dt>Provider&rsquo;s id</dt>
              <dd>{event.providerEventId ? <code>{event.providerEventId}</code> : '—'}</dd>
              <dt>Received</dt>
              <dd>{formatDateTime(event.receivedAt)}</dd>
            </dl>
          </Card>
        </aside>
      </div>
      {confirmingReplay && (
        <ReplayDialog
          open={confirmingReplay}
          eventId={event.id}
          test={event.test === true}
          onClose={() => setConfirmingReplay(false)}
          onReplay={replay}
        />
      )}
      {editing && (
        <EditReplayDialog
          open={editing}
          initialText={payloadText(event)}
          json={typeof event.payload !== 'string'}
          onClose={() => setEditing(false)}
          onReplay={async (text) => {
            const r = await api.replayEvent({ id: event.id, payloadText: text });
            setEditing(false);
            toast('Replayed an edited copy.');
            navigate(href('events', r.event.id));
          }}
        />
      )}
    </div>
  );
}

function BackLink() {
  return (
    <a className="back-link" href="#/feed">
      ← Back to the feed
    </a>
  );
}

/**
 * The Signature card of an accepted event. A recovered event carried no signature: it was
 * read from the provider's API with the owner's key, which is what vouches for it.
 */
export function verifiedWords(
  event: Pick<HookEvent, 'test' | 'recovered'>,
  sourceName: string,
  providerName: string,
): string {
  if (event.recovered)
    return `✓ No signature to check: Hookdock fetched it from ${providerName} with your API key, so it really came from ${sourceName}.`;
  if (event.test)
    return `✓ Signature checked with ${sourceName}'s secret: Hookdock signed this sample as ${sourceName} would.`;
  return `✓ Signature checked: it really came from ${sourceName}.`;
}
