// The header's answer to "is this computer getting the server's events?" (follow mode):
// following, catching up n events, or why the server cannot be reached.
import type { FollowStatus } from '../../shared/follow';
import { followWords } from '../../shared/follow-words';
import { formatRelative } from '../lib/format';

export function FollowBadge({ follow }: { follow: FollowStatus }) {
  const tone = follow.state === 'following' ? 'success' : follow.state === 'catching-up' ? 'warning' : 'danger';
  const last = follow.lastEventAt ? `Last event ${formatRelative(follow.lastEventAt)}.` : 'No event yet.';
  return (
    <a
      className={`tunnel tone-${tone}`}
      href="#/settings"
      role="status"
      data-testid="follow-badge"
      data-state={follow.state}
      title={`This computer receives its webhooks through a Hookdock server and needs no tunnel. ${last}`}
    >
      <span className="dot" aria-hidden="true" />
      {followWords(follow)}
    </a>
  );
}
