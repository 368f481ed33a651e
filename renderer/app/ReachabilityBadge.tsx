// The header's answer to "can my shop reach me right now?": the last probe through the public URL.
import type { Status } from '../../shared/types';
import { formatRelative } from '../lib/format';

export function ReachabilityBadge({ status }: { status: Status }) {
  const r = status.reachability;
  if (!r || (r.state === 'unknown' && !status.publicUrl)) return null;
  const checked = r.checkedAt ? `checked ${formatRelative(r.checkedAt)}` : 'not checked yet';
  const label =
    r.state === 'reachable' ? 'Reachable' : r.state === 'unreachable' ? 'Not reachable' : 'Reachability unknown';
  const tone = r.state === 'reachable' ? 'success' : r.state === 'unreachable' ? 'danger' : 'muted';
  return (
    <span
      className={`reachability tone-${tone}`}
      role="status"
      data-state={r.state}
      title={r.attention ?? `Hookdock checks every few minutes that webhooks can reach it (${checked}).`}
    >
      <span className="dot" aria-hidden="true" />
      {label}
      <span className="muted"> · {checked}</span>
    </span>
  );
}
