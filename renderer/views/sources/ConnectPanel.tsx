// Connect on a source card: for a provider Hookdock can set up through its API,
// "Connect with an API key" (credential, event types, account where needed); once
// connected, "Managed by Hookdock" with the subscription's state, id, URL, last
// check, last action and error, and Disconnect. The credential is never shown back.
import { useEffect, useRef, useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { connectKind, type ConnectKind } from '../../../shared/connect-kinds';
import type { ManagedState } from '../../../shared/connect';
import { getApi } from '../../api';
import { appStore } from '../../api/store';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { SaveForm, SecretField, useSaveForm } from '../../components/Form';
import { TextInput } from '../../components/inputs';
import { toast, toastOnError } from '../../components/Toast';
import { formatDateTime } from '../../lib/format';
import { providerInfo } from '../../lib/providers';

type Source = PublicConfig['sources'][number];

const STATE_WORDS: Record<ManagedState, string> = {
  connecting: 'Connecting…',
  active: 'Active',
  repaired: 'Active (repaired)',
  error: 'Needs attention',
  disconnected: 'Disconnected',
};

export function ConnectPanel({ source }: { source: Source }) {
  const kind = connectKind(source.provider);
  const [editing, setEditing] = useState(false);
  // The button the owner pressed is gone once the form opens, closes or Disconnect is done:
  // focus moves to what replaced it, so a keyboard owner is not sent back to the top of the page.
  const root = useRef<HTMLDivElement>(null);
  const focusNext = useRef<'input' | 'button' | null>(null);
  const connected = Boolean(source.connect);
  useEffect(() => {
    if (!focusNext.current) return;
    root.current?.querySelector<HTMLElement>(focusNext.current)?.focus();
    focusNext.current = null;
  }, [editing, connected]);
  const edit = (open: boolean) => {
    focusNext.current = open ? 'input' : 'button';
    setEditing(open);
  };
  if (!kind) return null;
  return (
    <div ref={root}>
      {editing ? (
        <ConnectForm source={source} kind={kind} onDone={() => edit(false)} />
      ) : !source.connect ? (
        <div className="connect-offer">
          <p className="muted small">
            Let Hookdock set up the webhook in {providerInfo(source.provider).name} and keep it working: no URL or
            secret to copy.
          </p>
          <Button size="sm" onClick={() => edit(true)}>
            Connect with an API key
          </Button>
        </div>
      ) : (
        <Managed source={source} onChange={() => edit(true)} onDisconnect={() => (focusNext.current = 'button')} />
      )}
    </div>
  );
}

function Managed({
  source,
  onChange,
  onDisconnect,
}: {
  source: Source;
  onChange: () => void;
  onDisconnect: () => void;
}) {
  const m = source.managed;
  const name = providerInfo(source.provider).name;
  // One click would delete the provider's subscription: the owner confirms, knowing what stops.
  const [confirming, setConfirming] = useState(false);
  const disconnect = () =>
    toastOnError(async () => {
      onDisconnect();
      const config = await getApi().saveSource({ ...editable(source), connect: null });
      appStore.set({ config });
      setConfirming(false);
      toast(`Disconnected: Hookdock deletes the webhook it made in ${name}.`);
    });
  return (
    <section className="connect-managed" aria-label="Managed by Hookdock" data-testid="managed">
      <div className="connect-head">
        <strong>Managed by Hookdock</strong>
        <span className={`tag ${m?.state === 'error' ? 'tag-danger' : 'tag-recovered'}`} data-testid="managed-state">
          {STATE_WORDS[m?.state ?? 'connecting']}
        </span>
      </div>
      {m?.error && (
        <p className="notice tone-danger" role="alert" data-testid="managed-error">
          {m.error}
        </p>
      )}
      <dl className="connect-facts">
        <dt>Subscription</dt>
        <dd>
          <code data-testid="managed-subscription">{m?.subscriptionId ?? '—'}</code>
        </dd>
        <dt>Sends to</dt>
        <dd>
          <code>{m?.url ?? '—'}</code>
        </dd>
        <dt>Events</dt>
        <dd>{source.connect?.events.join(', ')}</dd>
        <dt>Last checked</dt>
        <dd>{m?.lastCheckedAt ? formatDateTime(m.lastCheckedAt) : 'not yet'}</dd>
        <dt>Last action</dt>
        <dd data-testid="managed-action">{m?.lastAction ?? '—'}</dd>
      </dl>
      <div className="test-row">
        {/* The error above says what to paste: this is where, so it stands out. */}
        <Button size="sm" variant={m?.state === 'error' ? 'primary' : undefined} onClick={onChange}>
          Change key or events
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setConfirming(true)}>
          Disconnect
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Disconnect ${source.name || source.id} from ${name}?`}
        confirmLabel="Disconnect"
        onClose={() => setConfirming(false)}
        onConfirm={disconnect}
        body={
          <p data-testid="disconnect-consequence">
            Hookdock deletes the webhook it made in {name}, and {name} stops sending events to this source. Connect
            again, or set up a webhook by hand, to receive them again.
          </p>
        }
      />
    </section>
  );
}

/** The source as saveSource takes it back (secret and credential left out: kept as stored). */
function editable(s: Source) {
  return {
    id: s.id,
    provider: s.provider,
    ...(s.name ? { name: s.name } : {}),
    ...(s.notificationUrl ? { notificationUrl: s.notificationUrl } : {}),
    ...(s.hmac ? { hmac: s.hmac } : {}),
    ...(s.eventType ? { eventType: s.eventType } : {}),
    ...(s.eventId ? { eventId: s.eventId } : {}),
  };
}

function ConnectForm({ source, kind, onDone }: { source: Source; kind: ConnectKind; onDone: () => void }) {
  const name = providerInfo(source.provider).name;
  const saved = source.connect;
  const problem = source.managed?.state === 'error' ? source.managed.error : null;
  const [credential, setCredential] = useState('');
  const [account, setAccount] = useState(saved?.account ?? '');
  const [picked, setPicked] = useState<string[]>((saved?.events ?? []).filter((e) => kind.commonEvents.includes(e)));
  const [others, setOthers] = useState((saved?.events ?? []).filter((e) => !kind.commonEvents.includes(e)).join(', '));
  const form = useSaveForm(async () => {
    const events = [
      ...picked,
      ...others
        .split(/[\s,]+/)
        .map((e) => e.trim())
        .filter(Boolean),
    ];
    if (!credential.trim() && !saved?.hasCredential)
      return `Paste the ${kind.credentialLabel.toLowerCase()} from ${name}.`;
    if (events.length === 0) return 'Pick at least one event type.';
    if (kind.account && !kind.account.optional && !account.trim())
      return `Fill in ${kind.account.label.toLowerCase()}.`;
    const config = await getApi().saveSource({
      ...editable(source),
      connect: {
        ...(credential.trim() ? { credential: credential.trim() } : {}),
        events: [...new Set(events)],
        ...(account.trim() ? { account: account.trim() } : {}),
      },
    });
    appStore.set({ config });
    toast(`Connecting to ${name}…`);
    onDone();
  });
  return (
    <SaveForm className="connect-form" form={form} submitLabel={saved ? 'Save' : 'Connect'} onCancel={onDone}>
      {problem && (
        // The card with this sentence is replaced by the form: the owner needs it while fixing.
        <p className="notice tone-danger" data-testid="connect-form-problem">
          {problem}
        </p>
      )}
      <SecretField
        label={kind.credentialLabel}
        hint={
          !saved?.hasCredential
            ? kind.credentialHint
            : problem
              ? `${kind.credentialHint} Leave this empty to try the saved one again.`
              : 'A key is saved. Leave this empty to keep it.'
        }
        value={credential}
        onChange={setCredential}
        saved={Boolean(saved?.hasCredential)}
        placeholder={kind.credentialPlaceholder}
      />
      {kind.account && (
        <Field label={kind.account.label} hint={kind.account.hint}>
          <TextInput value={account} onChange={setAccount} placeholder={kind.account.placeholder} />
        </Field>
      )}
      <fieldset className="connect-events">
        <legend className="field-label">Event types to receive</legend>
        {kind.commonEvents.map((e) => (
          <label key={e} className="check">
            <input
              type="checkbox"
              checked={picked.includes(e)}
              onChange={(ev) => setPicked(ev.target.checked ? [...picked, e] : picked.filter((x) => x !== e))}
            />
            <code>{e}</code>
          </label>
        ))}
      </fieldset>
      <Field label="Other event types (optional)" hint="Separated by commas, exactly as the provider names them.">
        <TextInput value={others} onChange={setOthers} placeholder={kind.otherEventsExample} />
      </Field>
    </SaveForm>
  );
}
