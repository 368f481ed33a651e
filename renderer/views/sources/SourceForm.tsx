// Adding or editing a source: pick the provider, name it, copy its URL, paste
// its secret. The secret may wait: Stripe, Shopify and Square show it only once
// an endpoint with the URL exists, so the URL is shown (and copyable) before
// saving and the source can be saved without it. GitHub and WooCommerce let the
// owner choose the secret: Hookdock offers to generate one to copy there.
// The secret is never shown back: leaving it blank keeps the saved one.
import { useState } from 'react';
import { useAppState } from '../../api/store';
import { CopyButton } from '../../components/CopyButton';
import type { PublicConfig } from '../../../shared/api';
import { connectKind } from '../../../shared/connect-kinds';
import type { ProviderId } from '../../../shared/types';
import { PROVIDERS } from '../../../shared/types';
import { getApi } from '../../api';
import { ProviderMark } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { SaveForm, SecretField, useSaveForm } from '../../components/Form';
import { Select, TextInput } from '../../components/inputs';
import { slugify, uniqueId } from '../../lib/format';
import { generateSecret, generateWhsec, providerInfo } from '../../lib/providers';

type Source = PublicConfig['sources'][number];
type Algorithm = 'sha1' | 'sha256' | 'sha512';
type Encoding = 'hex' | 'base64';

const ALGORITHMS = [
  ['sha256', 'SHA-256'],
  ['sha512', 'SHA-512'],
  ['sha1', 'SHA-1'],
] as const satisfies readonly (readonly [Algorithm, string])[];
const ENCODINGS = [
  ['hex', 'hex'],
  ['base64', 'base64'],
] as const satisfies readonly (readonly [Encoding, string])[];

export function SourceForm({
  existing,
  takenIds,
  onSaved,
  onCancel,
}: {
  existing: Source | null;
  takenIds: string[];
  onSaved: (config: PublicConfig, id: string) => void;
  onCancel: () => void;
}) {
  const [provider, setProvider] = useState<ProviderId | null>(existing?.provider ?? null);
  const [name, setName] = useState(existing?.name ?? existing?.id ?? '');
  const [secret, setSecret] = useState('');
  const [generated, setGenerated] = useState(false);
  const status = useAppState((st) => st.status);
  const [sigHeader, setSigHeader] = useState(existing?.hmac?.header ?? 'X-Signature');
  const [algorithm, setAlgorithm] = useState<Algorithm>(existing?.hmac?.algorithm ?? 'sha256');
  const [encoding, setEncoding] = useState<Encoding>(existing?.hmac?.encoding ?? 'hex');
  const [prefix, setPrefix] = useState(existing?.hmac?.prefix ?? '');
  const [typeHeader, setTypeHeader] = useState(
    existing?.eventType && 'header' in existing.eventType ? existing.eventType.header : '',
  );
  const form = useSaveForm(async () => {
    if (!provider) return;
    const info = providerInfo(provider);
    const id = sourceId(info.name);
    if (info.whsec && secret.trim() && !secret.trim().startsWith('whsec_')) {
      return `A ${info.name} signing secret starts with whsec_. Check you copied the whole secret.`;
    }
    const config = await getApi().saveSource({
      id,
      provider,
      name: name.trim() || undefined,
      secret: secret.trim() || undefined,
      hmac: provider === 'hmac' ? { header: sigHeader.trim(), algorithm, encoding, prefix } : undefined,
      eventType:
        (provider === 'hmac' || provider === 'none') && typeHeader.trim() ? { header: typeHeader.trim() } : undefined,
    });
    onSaved(config, id);
  });
  const sourceId = (fallback: string) => existing?.id ?? uniqueId(slugify(name || fallback), takenIds);

  if (!provider) {
    return (
      <div>
        <p className="muted">Where do the webhooks come from?</p>
        <div className="provider-grid" role="group" aria-label="Provider">
          {PROVIDERS.map((p) => {
            const info = providerInfo(p);
            return (
              <button
                key={p}
                type="button"
                className="provider-choice"
                onClick={() => setProvider(p)}
                aria-pressed={false}
              >
                <ProviderMark provider={p} size="lg" />
                <span>
                  <strong>{info.name}</strong>
                  <span className="muted">{info.blurb}</span>
                </span>
              </button>
            );
          })}
        </div>
        <div className="form-actions">
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </div>
    );
  }

  const info = providerInfo(provider);
  // A connected source's webhooks are not the ones the hand set-up's hint describes.
  const connectedSecret = existing?.connect ? connectKind(provider)?.signingSecret : undefined;
  const id = sourceId(info.name);
  const base = (status?.publicUrl ?? status?.receiverUrl ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  const url = `${base}/hooks/${encodeURIComponent(id)}`;
  const generate = () => {
    setSecret(info.whsec ? generateWhsec() : generateSecret());
    setGenerated(true);
  };
  return (
    <SaveForm
      className="source-form"
      form={form}
      submitLabel={existing ? 'Save changes' : 'Add source'}
      onCancel={onCancel}
    >
      <div className="chosen-provider">
        <ProviderMark provider={provider} size="lg" />
        <div>
          <strong>{info.name}</strong>
          <p className="muted small">{info.blurb}</p>
        </div>
        {!existing && (
          <Button size="sm" variant="ghost" onClick={() => setProvider(null)}>
            Change
          </Button>
        )}
      </div>
      <Field
        label="Name"
        hint={
          existing
            ? 'Shown in the feed and lists. Renaming keeps the address below, so nothing changes in the service.'
            : 'Shown in the feed and lists; the address below is made from it.'
        }
      >
        <TextInput value={name} onChange={setName} placeholder={`My ${info.name} shop`} />
      </Field>
      <div className="field">
        <span className="field-label" id="source-url-label">
          Webhook URL to paste in {info.name}
        </span>
        <div className="url-box" aria-labelledby="source-url-label">
          <code data-testid="new-source-url">{url}</code>
          <CopyButton text={url} what="webhook URL" />
        </div>
      </div>
      {provider !== 'none' && (
        <>
          <SecretField
            label={
              connectedSecret
                ? connectedSecret.label
                : info.secretBy === 'provider' && !existing?.hasSecret
                  ? `${info.secretLabel} (you can add it later)`
                  : info.secretLabel
            }
            hint={
              existing?.hasSecret
                ? 'A secret is saved. Leave this empty to keep it.'
                : (connectedSecret?.hint ?? info.secretHint)
            }
            value={secret}
            onChange={(v) => {
              setSecret(v);
              setGenerated(false);
            }}
            saved={Boolean(existing?.hasSecret)}
            placeholder={info.whsec ? 'whsec_…' : ''}
            reveal={generated}
          />
          {info.secretBy === 'owner' && (
            <div className="test-row">
              <Button size="sm" onClick={generate}>
                Generate a secret
              </Button>
              {generated && <CopyButton text={secret} what="secret" />}
            </div>
          )}
          {!secret.trim() && !existing?.hasSecret && (
            <p className="notice tone-info" data-testid="secret-later">
              Without its secret this source waits: every request is refused and shown in the feed as &ldquo;waiting for
              its signing secret&rdquo; until you paste it.
            </p>
          )}
        </>
      )}
      {provider === 'hmac' && (
        <div className="field-row">
          <Field label="Signature header">
            <TextInput value={sigHeader} onChange={setSigHeader} />
          </Field>
          <Field label="Algorithm">
            <Select value={algorithm} onChange={setAlgorithm} options={ALGORITHMS} />
          </Field>
          <Field label="Encoding">
            <Select value={encoding} onChange={setEncoding} options={ENCODINGS} />
          </Field>
          <Field label="Prefix" hint='e.g. "sha256="'>
            <TextInput value={prefix} onChange={setPrefix} />
          </Field>
        </div>
      )}
      {(provider === 'hmac' || provider === 'none') && (
        <Field
          label="Event type header (optional)"
          hint="The header that names the kind of event, if the sender has one."
        >
          <TextInput value={typeHeader} onChange={setTypeHeader} placeholder="X-Event" />
        </Field>
      )}
      {provider === 'none' && (
        <p className="notice tone-warning">
          Anyone who knows this address can send events to it. Use it for testing only.
        </p>
      )}
    </SaveForm>
  );
}
