// Settings → "Receive through a Hookdock server" (follow mode, issue #15): paste the
// pairing link the server made under "Add a follower"; "Stop following" forgets it.
// The link carries this computer's token: it is a secret, never shown back.
import { useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { errorMessage, getApi } from '../../api';
import { appStore, useAppState } from '../../api/store';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { SaveForm, SecretField, useSaveForm } from '../../components/Form';
import { toast } from '../../components/Toast';
import { followWords, serverName } from '../../../shared/follow-words';

/** Ends the status words with a full stop when they do not end with one already. */
const sentence = (words: string) => (/[.!?]$/.test(words) ? words : `${words}.`);

export function FollowSettings({ config }: { config: PublicConfig }) {
  const follow = useAppState((s) => s.status?.follow ?? null);
  const [link, setLink] = useState('');
  const following = config.follow !== null;
  const form = useSaveForm(async () => {
    const typed = link.trim();
    if (!typed) return 'Paste the pairing link the server showed under "Add a follower".';
    appStore.set({ config: await getApi().updateSettings({ follow: { link: typed } }) });
    setLink('');
    toast('Following the server. Its events arrive here and run your automations on this computer.');
  });
  const stop = () =>
    getApi()
      .updateSettings({ follow: null })
      .then((next) => {
        appStore.set({ config: next });
        toast('Stopped following. This computer receives webhooks itself again.');
      })
      .catch((err: unknown) => form.setError(errorMessage(err)));
  return (
    <Card title="Receive through a Hookdock server" labelledBy="follow-title">
      <p className="muted">
        Run <code>hookdock serve</code> on a machine that never sleeps (a small server, a Raspberry Pi, a NAS) and let
        it answer your shops. This computer then follows it: it catches up on what it missed, stores every event, and
        runs your automations here, next to your files and tools. It needs no tunnel of its own.
      </p>
      {following && (
        <p
          className={`notice tone-${follow?.state === 'following' ? 'success' : follow?.state === 'unreachable' ? 'danger' : 'muted'}`}
          role="status"
          data-testid="follow-state"
        >
          {sentence(
            follow
              ? followWords(follow)
              : `Following ${config.follow?.server ? serverName(config.follow.server) : 'a server'}`,
          )}{' '}
          The tunnel here is off while this computer follows a server.
        </p>
      )}
      <SaveForm
        form={form}
        submitLabel={following ? 'Follow this link instead' : 'Follow this server'}
        extraActions={
          following && (
            <Button variant="ghost" onClick={() => void stop()}>
              Stop following
            </Button>
          )
        }
      >
        <SecretField
          label="Pairing link"
          hint={
            following
              ? 'A link is saved. Paste a new one to follow another server (or the same one again).'
              : 'On the server: Followers → Add a follower, then copy the link it shows once.'
          }
          value={link}
          onChange={setLink}
          saved={following}
          placeholder="https://…/#hdf_…"
        />
      </SaveForm>
    </Card>
  );
}
