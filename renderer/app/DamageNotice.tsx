// The store found data it could not read: what happened, what is missing and
// where the unreadable bytes were kept (DATA_DIR/quarantine). Shown until the
// owner clears the quarantine folder's damage.jsonl; nothing here deletes anything.
import type { StoreDamage } from '../../shared/types';

const SHOWN = 5;

export function DamageNotice({ damage, dataDir }: { damage: StoreDamage[]; dataDir: string }) {
  if (!damage.length) return null;
  const newest = [...damage].reverse().slice(0, SHOWN);
  const more = damage.length - newest.length;
  return (
    <div className="banner tone-danger" role="alert" data-testid="damage-notice">
      <div className="banner-text">
        <strong>
          Hookdock found {damage.length === 1 ? 'a damaged file' : `${damage.length} damaged files`} in its data folder
          and kept {damage.length === 1 ? 'it' : 'them'} aside.
        </strong>
        <ul className="damage-list">
          {newest.map((d) => (
            <li key={`${d.at}-${d.file}-${d.kind}`}>{d.message}</li>
          ))}
        </ul>
        {more > 0 && <span>And {more} earlier.</span>}
        <span>
          Everything is in <code>{`${dataDir}/quarantine`}</code>. When you have dealt with it, delete{' '}
          <code>damage.jsonl</code> there to clear this notice.
        </span>
      </div>
    </div>
  );
}
