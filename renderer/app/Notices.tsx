// Loud, page-wide notices: a changed webhook URL (providers must be told), a
// config file that could not be read, a disk Hookdock cannot write to, damaged
// data kept in quarantine.
import { appStore, useAppState } from '../api/store';
import { Button } from '../components/Button';
import { CopyButton } from '../components/CopyButton';
import { DamageNotice } from './DamageNotice';

export function Notices() {
  const urlChanged = useAppState((s) => s.urlChanged);
  const status = useAppState((s) => s.status);
  const loadError = useAppState((s) => s.loadError);
  return (
    <>
      {urlChanged && (
        <div className="banner tone-warning" role="alert">
          <div className="banner-text">
            <strong>Your webhook URL changed — update Shopify/Stripe.</strong>
            <span>
              The new public address is <code>{urlChanged.url}</code>. Until you paste it in each service&rsquo;s
              webhook settings, their events cannot reach you.
            </span>
          </div>
          <div className="banner-actions">
            <CopyButton text={urlChanged.url} what="new URL" />
            <a className="btn btn-secondary btn-sm" href="#/sources">
              See each source&rsquo;s URL
            </a>
            <Button size="sm" variant="ghost" onClick={() => appStore.set({ urlChanged: null })}>
              Done
            </Button>
          </div>
        </div>
      )}
      {status?.configError && (
        <div className="banner tone-danger" role="alert">
          <div className="banner-text">
            <strong>Your config file has a mistake, so Hookdock kept the last good one.</strong>
            <span>{status.configError}</span>
          </div>
        </div>
      )}
      {status && !status.store.writable && (
        <div className="banner tone-danger" role="alert">
          <div className="banner-text">
            <strong>Hookdock cannot save new events.</strong>
            <span>{status.store.lastWriteError ?? 'The disk may be full.'} Senders are told to try again later.</span>
          </div>
        </div>
      )}
      {status?.followers?.warnings.length ? (
        <div className="banner tone-warning" role="alert" data-testid="followers-warning">
          <div className="banner-text">
            <strong>A follower is falling behind.</strong>
            {status.followers.warnings.map((w) => (
              <span key={w}>{w}</span>
            ))}
          </div>
          <div className="banner-actions">
            <a className="btn btn-secondary btn-sm" href="#/settings">
              See followers
            </a>
          </div>
        </div>
      ) : null}
      {status && <DamageNotice damage={status.store.damage ?? []} dataDir={status.dataDir} />}
      {loadError && !status && (
        <div className="banner tone-danger" role="alert">
          <div className="banner-text">
            <strong>Hookdock is not answering.</strong>
            <span>{loadError}</span>
          </div>
        </div>
      )}
    </>
  );
}
