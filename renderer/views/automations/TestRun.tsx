// Runs the saved automation once against a past event and shows the output
// right here, so the owner sees what their script does before it matters.
import { useEffect, useState } from 'react';
import { humanizeType } from '../../../shared/summary';
import type { EventSummary, Run } from '../../../shared/types';
import { errorMessage, getApi } from '../../api';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { formatTime } from '../../lib/format';
import { RunCard } from '../event/RunCard';

export function TestRun({
  automationId,
  automationName,
  source,
}: {
  automationId: string;
  automationName: string;
  source: string;
}) {
  const [events, setEvents] = useState<EventSummary[] | null>(null);
  const [eventId, setEventId] = useState('');
  const [run, setRun] = useState<Run | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getApi()
      .listEvents({ source: source === '*' ? undefined : source, limit: 30 })
      .then(
        (page) => {
          const usable = page.items.filter((e) => e.status !== 'rejected');
          setEvents(usable);
          setEventId((cur) => cur || usable[0]?.id || '');
        },
        (err) => setError(errorMessage(err)),
      );
  }, [source]);

  const runIt = async () => {
    setBusy(true);
    setError(null);
    setRun(null);
    try {
      setRun(await getApi().testRunAutomation({ id: automationId, eventId }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (events && events.length === 0) {
    return (
      <p className="muted">
        No events from {source === '*' ? 'any source' : source} yet to test with. Send a test event from{' '}
        <a href="#/sources">Sources</a>, then come back.
      </p>
    );
  }
  return (
    <div className="test-run">
      <div className="test-row">
        <Field label="Test with this past event" className="grow">
          <select className="select" value={eventId} onChange={(e) => setEventId(e.target.value)} disabled={!events}>
            {(events ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {formatTime(e.receivedAt)} · {e.test ? 'Test event · ' : ''}
                {humanizeType(e.type)}
                {e.summary ? ` · ${e.summary}` : ''}
              </option>
            ))}
          </select>
        </Field>
        <Button variant="primary" onClick={runIt} busy={busy} disabled={!eventId}>
          {busy ? 'Running…' : 'Run test'}
        </Button>
      </div>
      <p className="field-hint">
        It runs once, now, without retries, and sends nothing onward. It is marked &ldquo;Test run&rdquo; (the script
        sees <code>HOOKDOCK_TEST=1</code>) and never changes the event&rsquo;s status or the counters.
      </p>
      {error && (
        <p className="notice tone-danger" role="alert">
          {error}
        </p>
      )}
      {run && <RunCard run={run} automationName={automationName} live={new Map()} />}
    </div>
  );
}
