// "While you were away": the spans when Hookdock was not receiving (GET /api/gaps)
// and, per source, what its provider does about them. Shown until the owner
// says "Got it"; a new gap shows it again.
import { useEffect, useState } from 'react';
import type { RecoveryReport } from '../../shared/connect';
import type { Gap, GapCause } from '../../shared/gaps';
import { getApi } from '../api';
import { Button } from '../components/Button';
import { durationBetween, formatDateTime, formatDuration, plural } from '../lib/format';
import { useNames } from '../lib/names';

const SEEN_KEY = 'hookdock.gapsSeen';
const RECENT_MS = 7 * 24 * 3_600_000;

const CAUSES: Record<GapCause, string> = {
  stopped: 'Hookdock was not running',
  asleep: 'This computer was asleep',
  'tunnel-down': 'The tunnel was down',
  unreachable: 'Your senders could not reach Hookdock',
};

function readSeen(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** "Hookdock got back 3 missed events and re-created the deleted subscription." */
export function recoveryWords(r: RecoveryReport): string {
  const did: string[] = [];
  if (r.recovered) did.push(`got back ${plural(r.recovered, 'missed event')}`);
  if (r.redelivered)
    did.push(`asked for ${plural(r.redelivered, 'failed delivery', 'failed deliveries')} to be sent again`);
  if (r.recreated) did.push('re-created the deleted subscription');
  if (r.reenabled) did.push('re-enabled the disabled subscription');
  if (did.length === 0)
    return r.notes.length ? 'Nothing could be recovered.' : 'Hookdock checked the subscription: nothing was missed.';
  const text = did.length === 1 ? did[0]! : `${did.slice(0, -1).join(', ')} and ${did[did.length - 1]!}`;
  return `Hookdock ${text}.`;
}

export function AwayPanel() {
  const [gaps, setGaps] = useState<Gap[]>([]);
  const [seen, setSeen] = useState<string[]>(readSeen);

  useEffect(() => {
    const api = getApi();
    let alive = true;
    const load = () =>
      void api.listGaps({}).then(
        (r) => alive && setGaps(r.items),
        () => undefined, // the header already says when Hookdock is not answering
      );
    load();
    const offs = [api.listen('gap.changed', load), api.listen('connect.recovered', load)];
    return () => {
      alive = false;
      offs.forEach((off) => off());
    };
  }, []);

  const names = useNames();
  const now = Date.now();
  const shown = gaps.filter((g) => !seen.includes(g.id) && now - Date.parse(g.to ?? g.from) < RECENT_MS).slice(0, 5);
  if (shown.length === 0) return null;

  const dismiss = () => {
    const next = [...seen, ...shown.map((g) => g.id)].slice(-200);
    localStorage.setItem(SEEN_KEY, JSON.stringify(next));
    setSeen(next);
  };

  return (
    <section className="away-panel" aria-labelledby="away-title">
      <div className="away-head">
        <div>
          <h2 id="away-title">While you were away</h2>
          <p className="muted">
            Hookdock was not receiving webhooks for a while. Here is what each service does about what it sent
            meanwhile.
          </p>
        </div>
        <Button size="sm" variant="secondary" onClick={dismiss}>
          Got it
        </Button>
      </div>
      <ol className="away-gaps">
        {shown.map((g) => (
          <li key={g.id} className="away-gap" data-cause={g.cause}>
            <p className="away-when">
              <strong>{CAUSES[g.cause]}</strong>{' '}
              <span>
                from {formatDateTime(g.from)} {g.to ? `to ${formatDateTime(g.to)}` : '— still going on'}
                {g.to ? ` (${formatDuration(durationBetween(g.from, g.to))})` : ''}
              </span>
            </p>
            {g.sources.length === 0 ? (
              <p className="muted">No sources are set up, so nothing was missed.</p>
            ) : (
              <ul className="away-sources">
                {g.sources.map((s) => {
                  // A connected source: what Hookdock did replaces the advice on what to do by hand.
                  const report = g.recoveries?.find((r) => r.source === s.id);
                  return (
                    <li key={s.id}>
                      <strong title={`id: ${s.id}`}>{names.source(s.id)}</strong>
                      <span className="away-policy">{s.providerPolicy}</span>
                      {report ? <ConnectReport report={report} /> : <span className="away-recovery">{s.recovery}</span>}
                    </li>
                  );
                })}
              </ul>
            )}
            {(g.recoveries ?? [])
              .filter((r) => !g.sources.some((s) => s.id === r.source))
              .map((r) => (
                <p key={r.source} className="away-connect-line">
                  <strong title={`id: ${r.source}`}>{names.source(r.source)}</strong>: <ConnectReport report={r} />
                </p>
              ))}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** What Connect did for one source after a gap, with the notes on what it could not do. */
function ConnectReport({ report }: { report: RecoveryReport }) {
  return (
    <span className="away-connect" data-testid="away-connect">
      {recoveryWords(report)}
      {report.notes.map((n) => (
        <span key={n} className="away-note">
          {' '}
          {n}
        </span>
      ))}
    </span>
  );
}
