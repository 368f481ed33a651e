// Where scripts can send webhooks onward. The secret (whsec_…) is made here
// when left blank and shown once, so the owner can give it to the receiver.
import { useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { getApi } from '../../api';
import { appStore } from '../../api/store';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { ConfirmDialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { SaveForm, SecretField, useSaveForm } from '../../components/Form';
import { TextInput } from '../../components/inputs';
import { Toggle } from '../../components/Toggle';
import { toast, toastOnError } from '../../components/Toast';
import { idFromName } from '../../../shared/config';
import { uniqueId } from '../../lib/format';
import { generateWhsec } from '../../lib/providers';
import { SendTestButton } from './SendTestButton';

type Destination = PublicConfig['destinations'][number];

export function Destinations({ config }: { config: PublicConfig }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Destination | null>(null);
  // `label` is the name the owner typed ("Bookkeeper"), else the id: names, not ids.
  const [shownSecret, setShownSecret] = useState<{ label: string; secret: string } | null>(null);
  const list = config.destinations;
  const done = (secret: string | null, label: string) => {
    setEditing(null);
    if (secret) setShownSecret({ label, secret });
  };
  return (
    <Card
      title="Destinations"
      labelledBy="destinations-title"
      actions={
        editing !== 'new' && (
          <Button size="sm" variant="primary" onClick={() => setEditing('new')}>
            Add a destination
          </Button>
        )
      }
    >
      <p className="muted small">
        Your scripts send to a destination by printing a line like the one shown under each destination (its id or its
        name, in any case). Each message is signed with the destination&rsquo;s secret.
      </p>
      {shownSecret && (
        <div className="notice tone-info" role="status">
          <strong>Secret for {shownSecret.label}:</strong> copy it now and give it to the receiving service; it is
          hidden after you leave.
          <div className="url-box">
            <code>{shownSecret.secret}</code>
            <CopyButton text={shownSecret.secret} what="secret" />
          </div>
        </div>
      )}
      {editing === 'new' && (
        <DestinationForm
          existing={null}
          taken={list.map((d) => d.id)}
          onDone={done}
          onCancel={() => setEditing(null)}
        />
      )}
      {list.length === 0 && editing !== 'new' ? (
        <p className="muted">No destinations yet. Add one to let your scripts send webhooks to another service.</p>
      ) : (
        <ul className="item-list">
          {list.map((d) =>
            editing === d.id ? (
              <li key={d.id}>
                <DestinationForm existing={d} taken={[]} onDone={done} onCancel={() => setEditing(null)} />
              </li>
            ) : (
              <li key={d.id} className={`item ${d.enabled ? '' : 'is-off'}`}>
                <div className="item-main" data-destination-id={d.id}>
                  <div className="item-title">
                    {d.name || d.id} <span className="muted small">id for scripts:</span> <code>{d.id}</code>
                  </div>
                  <div className="item-sub">
                    <code>{d.url}</code> · {d.hasSecret ? 'secret saved' : 'no secret'}
                    {!d.enabled && ' · turned off'}
                  </div>
                  <div className="url-box">
                    <code data-testid="send-line">{sendLine(d.id)}</code>
                    <CopyButton text={sendLine(d.id)} what={`send line for ${d.name || d.id}`} />
                  </div>
                </div>
                <div className="item-actions">
                  <SendTestButton id={d.id} name={d.id} />
                  <Button size="sm" variant="ghost" onClick={() => setEditing(d.id)}>
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setDeleting(d)}
                    aria-label={`Delete ${d.name || d.id}`}
                  >
                    Delete
                  </Button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name || deleting?.id}?`}
        confirmLabel="Delete destination"
        onClose={() => setDeleting(null)}
        body={
          <p>
            Sends to it from now on are shown as failed in the Outbox (retry them once you add it again). Messages
            already queued for it stay in the outbox.
          </p>
        }
        onConfirm={async () => {
          if (!deleting) return;
          await toastOnError(async () => {
            appStore.set({ config: await getApi().deleteDestination({ id: deleting.id }) });
            toast('Destination deleted.');
            setDeleting(null);
          });
        }}
      />
    </Card>
  );
}

/** The stdout line a script prints to send to this destination. */
function sendLine(id: string): string {
  return JSON.stringify({ send: { destination: id, type: 'order_noted', data: { order: '#1042' } } });
}

function DestinationForm({
  existing,
  taken,
  onDone,
  onCancel,
}: {
  existing: Destination | null;
  taken: string[];
  /** `label`: what the owner calls it (the name typed, else the id). */
  onDone: (generatedSecret: string | null, label: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(existing?.name ?? existing?.id ?? '');
  const [url, setUrl] = useState(existing?.url ?? 'https://');
  const [secret, setSecret] = useState('');
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const formId = existing?.id ?? uniqueId(idFromName(name) || 'destination', taken);
  const form = useSaveForm(async () => {
    if (!/^https?:\/\/[^/\s]+/.test(url.trim())) return 'Enter the full address, starting with https://';
    if (secret.trim() && !/^whsec_[A-Za-z0-9+/=]+$/.test(secret.trim())) {
      return 'A secret looks like whsec_ followed by letters and digits. Leave it empty to have one made for you.';
    }
    const id = existing?.id ?? uniqueId(idFromName(name || new URL(url.trim()).hostname) || 'destination', taken);
    // A new destination always gets a secret: made here, so the owner can copy it.
    const generated = !existing && !secret.trim() ? generateWhsec() : null;
    const next = await getApi().saveDestination({
      id,
      name: name.trim() || undefined,
      url: url.trim(),
      secret: secret.trim() || generated || undefined,
      enabled,
    });
    appStore.set({ config: next });
    toast(existing ? 'Destination saved.' : `Destination added. Scripts send to it as "${id}".`);
    onDone(generated ?? (secret.trim() || null), name.trim() || id);
  });
  return (
    <SaveForm
      className="destination-form"
      form={form}
      submitLabel={existing ? 'Save' : 'Add destination'}
      onCancel={onCancel}
    >
      <div className="field-row">
        <Field
          label="Name"
          hint={
            name.trim() || existing ? (
              <>
                Scripts send to it as <code data-testid="destination-id">{formId}</code> (or by this name, in any case).
              </>
            ) : (
              // Without a name the id comes from the URL at save: do not promise one that will not be used.
              'Scripts send to it by this name, or by the id made from it (shown here once you type one).'
            )
          }
        >
          <TextInput value={name} onChange={setName} placeholder="Bookkeeper" />
        </Field>
        <Field label="URL">
          <TextInput value={url} onChange={setUrl} type="url" />
        </Field>
      </div>
      <SecretField
        label="Signing secret"
        hint={
          existing?.hasSecret
            ? 'Leave empty to keep the saved secret.'
            : 'Leave empty and a new whsec_ secret is made for you.'
        }
        value={secret}
        onChange={setSecret}
        saved={Boolean(existing?.hasSecret)}
        placeholder="whsec_…"
        reveal
      />
      <Toggle checked={enabled} onChange={setEnabled} label="Send to this destination" showLabel />
    </SaveForm>
  );
}
