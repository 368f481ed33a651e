// Settings → Followers (follow mode, server side, issue #15): other Hookdocks (the
// owner's desktop) that read this server's events. Shown when the follow port is on.
// A new follower's pairing link holds its token: it is shown here once, never again.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { FollowerInfo } from '../../../shared/follow';
import { errorMessage, getApi } from '../../api';
import { useAppState } from '../../api/store';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { Field } from '../../components/Field';
import { TextInput } from '../../components/inputs';
import { toast } from '../../components/Toast';
import { formatRelative } from '../../lib/format';

export function FollowersSettings() {
  const followers = useAppState((s) => s.status?.followers);
  const events = useAppState((s) => s.status?.counts.events);
  const [items, setItems] = useState<FollowerInfo[]>([]);
  const [name, setName] = useState('');
  const [link, setLink] = useState<{ name: string; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(() => {
    getApi()
      .listFollowers({})
      .then((r) => setItems(r.items))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);
  // Again when events come in, so "behind" and "connected" stay current.
  useEffect(() => {
    if (followers) refresh();
  }, [refresh, followers, events]);

  if (!followers) return null;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError('Give the follower a name, such as “Office laptop”.');
    setBusy(true);
    try {
      const created = await getApi().createFollower({ name: name.trim() });
      setLink({ name: name.trim(), url: created.pairingLink });
      setName('');
      refresh();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (f: FollowerInfo) => {
    try {
      await getApi().revokeFollower({ id: f.id });
      toast(`${f.name} can no longer follow this Hookdock.`);
      if (link?.name === f.name) setLink(null);
      refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Card title="Followers" labelledBy="followers-title">
      <p className="muted">
        Your desktop Hookdock can follow this one: it receives every event stored here and runs its own automations on
        them, on your computer. Each follower gets its own link; revoke it here at any time.
      </p>
      {link && (
        <div className="notice tone-success" role="status" data-testid="pairing-link">
          <p>
            <strong>Pairing link for {link.name}.</strong> Copy it now: it is shown only once. On the desktop, open
            Settings → Receive through a Hookdock server and paste it (or start{' '}
            <code>hookdock serve --follow &lt;link&gt;</code>). Keep it secret, like a password.
          </p>
          <div className="url-box">
            <code data-testid="pairing-link-text">{link.url}</code>
            <CopyButton text={link.url} what="pairing link" />
          </div>
          <Button size="sm" variant="ghost" onClick={() => setLink(null)}>
            Done
          </Button>
        </div>
      )}
      <form className="follower-add" onSubmit={(e) => void add(e)}>
        <Field label="Follower name" hint="Which computer will follow, so you can tell them apart later.">
          <TextInput value={name} onChange={setName} placeholder="Office laptop" maxLength={100} />
        </Field>
        <Button type="submit" variant="primary" busy={busy}>
          Add a follower
        </Button>
      </form>
      {error && (
        <p className="notice tone-danger" role="alert">
          {error}
        </p>
      )}
      {items.length > 0 ? (
        <table className="table" data-testid="followers-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Last acknowledged</th>
              <th scope="col">Behind</th>
              <th scope="col">Connected</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id}>
                <th scope="row">{f.name}</th>
                <td>{f.ackedAt ? formatRelative(f.ackedAt) : 'Never'}</td>
                <td>{f.behind.toLocaleString()}</td>
                <td>{f.connected ? 'Yes' : 'No'}</td>
                <td>
                  <Button size="sm" variant="ghost" aria-label={`Revoke ${f.name}`} onClick={() => void revoke(f)}>
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No followers yet.</p>
      )}
    </Card>
  );
}
