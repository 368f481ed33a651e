import type { Status } from '../../shared/types';
import { useAppState } from '../api/store';
import { CopyButton } from '../components/CopyButton';
import { plural } from '../lib/format';
import { ReachabilityBadge } from './ReachabilityBadge';
import { FollowBadge } from './FollowBadge';
import type { Route } from './router';

const NAV: { name: Route['name']; label: string; hash: string }[] = [
  { name: 'feed', label: 'Feed', hash: '#/feed' },
  { name: 'automations', label: 'Automations', hash: '#/automations' },
  { name: 'sources', label: 'Sources', hash: '#/sources' },
  { name: 'outbox', label: 'Outbox', hash: '#/outbox' },
  { name: 'settings', label: 'Settings', hash: '#/settings' },
];

export function Header({ route }: { route: Route }) {
  const status = useAppState((s) => s.status);
  const connection = useAppState((s) => s.connection);
  const current = route.name === 'event' ? 'feed' : route.name;
  return (
    <header className="app-header">
      <div className="header-row">
        <a className="brand" href="#/feed" aria-label="Hookdock home">
          <svg
            viewBox="0 0 24 24"
            width="22"
            height="22"
            aria-hidden="true"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
          >
            <path d="M12 3v9a4 4 0 1 1-4-4" />
            <path d="M4 20h16" />
          </svg>
          <span className="brand-name">Hookdock</span>
        </a>
        <nav aria-label="Main" className="main-nav">
          {NAV.map((item) => (
            <a
              key={item.name}
              href={item.hash}
              className={`nav-link ${current === item.name ? 'is-current' : ''}`}
              aria-current={current === item.name ? 'page' : undefined}
            >
              {item.label}
              {item.name === 'outbox' && status && status.counts.deliveriesFailed > 0 && (
                <span className="nav-count" aria-label={`${status.counts.deliveriesFailed} failed`}>
                  {status.counts.deliveriesFailed}
                </span>
              )}
              {item.name === 'automations' && status?.automationsPaused && (
                <span className="nav-count tone-warning">paused</span>
              )}
            </a>
          ))}
        </nav>
        <span className="header-spacer" />
        {connection !== 'live' && (
          <span className="connection-note" role="status">
            {connection === 'connecting' ? 'Connecting…' : 'Reconnecting… updates are delayed'}
          </span>
        )}
        {status?.follow ? (
          <FollowBadge follow={status.follow} />
        ) : (
          <>
            {status && <ReachabilityBadge status={status} />}
            {status && <TunnelBadge status={status} />}
          </>
        )}
      </div>
      {status && <Counts status={status} />}
    </header>
  );
}

function TunnelBadge({ status }: { status: Status }) {
  const t = status.tunnel;
  const url = status.publicUrl ?? t.url;
  // 'off' with a URL: the owner's own tunnel or proxy (serve --public-url); the reachability badge says if it works.
  if ((t.state === 'online' || t.state === 'off') && url) {
    return (
      <div className={`tunnel tone-${t.state === 'online' ? 'success' : 'muted'}`} aria-label="Public address">
        <span className="dot" aria-hidden="true" />
        <span className="tunnel-url" title={url}>
          {url.replace(/^https?:\/\//, '')}
        </span>
        <CopyButton text={url} what="public URL" variant="ghost" />
      </div>
    );
  }
  const text =
    t.state === 'connecting'
      ? 'Connecting the tunnel…'
      : t.state === 'reconnecting'
        ? 'Tunnel reconnecting…'
        : t.state === 'error'
          ? 'Tunnel problem'
          : 'No public address';
  const tone = t.state === 'error' ? 'danger' : t.state === 'off' ? 'muted' : 'warning';
  return (
    <a
      className={`tunnel tone-${tone}`}
      href="#/settings"
      title={t.error ?? 'Only this computer can send webhooks. Set up a tunnel in Settings.'}
    >
      <span className="dot" aria-hidden="true" />
      {text}
    </a>
  );
}

/** Each counter links to the list it counts, filtered (the feed or the outbox); the link names both. */
function Count({
  label,
  value,
  to,
  tone,
  linkLabel,
}: {
  label: string;
  value: number;
  to: string;
  tone?: string;
  linkLabel: string;
}) {
  return (
    <div className="count-link">
      <dt>{label}</dt>
      <dd className={value && tone ? `is-${tone}` : ''}>
        <a href={to}>
          {value.toLocaleString('en')}
          {/* The link's name in words, without aria-label (that would also make it a "label" for tests and tools). */}
          <span className="visually-hidden">
            {' '}
            {label}. {linkLabel}
          </span>
        </a>
      </dd>
    </div>
  );
}

function Counts({ status }: { status: Status }) {
  const c = status.counts;
  return (
    <dl className="counts" aria-label="Today">
      <Count label="Events today" value={c.eventsToday} to="#/feed?status=" linkLabel="Show all events" />
      <Count
        label="Rejected today"
        value={c.rejectedToday}
        tone="warning"
        to="#/feed?status=rejected"
        linkLabel="Show rejected requests"
      />
      <Count
        label="Failed scripts"
        value={c.runsFailed}
        tone="danger"
        to="#/feed?status=failed"
        linkLabel="Show events whose scripts failed"
      />
      <Count
        label="Failed sends"
        value={c.deliveriesFailed}
        tone="danger"
        to="#/outbox?status=failed"
        linkLabel="Show failed sends in the Outbox"
      />
      <div>
        <dt>Stored</dt>
        <dd>{plural(c.events, 'event')}</dd>
      </div>
    </dl>
  );
}
