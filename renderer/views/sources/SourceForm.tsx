// Adding or editing a source: pick the provider, name it, paste its secret.
// The secret is never shown back: leaving it blank keeps the saved one.
import { useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import type { ProviderId } from '../../../shared/types';
import { PROVIDERS } from '../../../shared/types';
import { errorMessage, getApi } from '../../api';
import { ProviderMark } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { slugify, uniqueId } from '../../lib/format';
import { providerInfo } from '../../lib/providers';

type Source = PublicConfig['sources'][number];

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
  const [sigHeader, setSigHeader] = useState(existing?.hmac?.header ?? 'X-Signature');
  const [algorithm, setAlgorithm] = useState<'sha1' | 'sha256' | 'sha512'>(existing?.hmac?.algorithm ?? 'sha256');
  const [encoding, setEncoding] = useState<'hex' | 'base64'>(existing?.hmac?.encoding ?? 'hex');
  const [prefix, setPrefix] = useState(existing?.hmac?.prefix ?? '');
  const [typeHeader, setTypeHeader] = useState(
    existing?.eventType && 'header' in existing.eventType ? existing.eventType.header : '',
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
  const id = existing?.id ?? uniqueId(slugify(name || info.name), takenIds);
  const needsSecret = provider !== 'none' && !existing?.hasSecret;
  const save = async () => {
    setError(null);
    if (needsSecret && !secret.trim())
      return setError(`Paste the ${info.secretLabel.toLowerCase()} from ${info.name}.`);
    if (info.whsec && secret.trim() && !secret.trim().startsWith('whsec_')) {
      return setError(`A ${info.name} signing secret starts with whsec_. Check you copied the whole secret.`);
    }
    setBusy(true);
    try {
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
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="source-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
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
        hint={existing ? `Its address ends in /hooks/${id}.` : `Its address will end in /hooks/${id}.`}
      >
        <input
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={`My ${info.name} shop`}
        />
      </Field>
      {provider !== 'none' && (
        <Field
          label={info.secretLabel}
          hint={existing?.hasSecret ? 'A secret is saved. Leave this empty to keep it.' : info.secretHint}
        >
          <input
            className="input"
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            placeholder={existing?.hasSecret ? '••••••••' : info.whsec ? 'whsec_…' : ''}
          />
        </Field>
      )}
      {provider === 'hmac' && (
        <div className="field-row">
          <Field label="Signature header">
            <input className="input" value={sigHeader} onChange={(e) => setSigHeader(e.target.value)} />
          </Field>
          <Field label="Algorithm">
            <select
              className="select"
              value={algorithm}
              onChange={(e) => setAlgorithm(e.target.value as typeof algorithm)}
            >
              <option value="sha256">SHA-256</option>
              <option value="sha512">SHA-512</option>
              <option value="sha1">SHA-1</option>
            </select>
          </Field>
          <Field label="Encoding">
            <select
              className="select"
              value={encoding}
              onChange={(e) => setEncoding(e.target.value as typeof encoding)}
            >
              <option value="hex">hex</option>
              <option value="base64">base64</option>
            </select>
          </Field>
          <Field label="Prefix" hint='e.g. "sha256="'>
            <input className="input" value={prefix} onChange={(e) => setPrefix(e.target.value)} />
          </Field>
        </div>
      )}
      {(provider === 'hmac' || provider === 'none') && (
        <Field
          label="Event type header (optional)"
          hint="The header that names the kind of event, if the sender has one."
        >
          <input
            className="input"
            value={typeHeader}
            onChange={(e) => setTypeHeader(e.target.value)}
            placeholder="X-Event"
          />
        </Field>
      )}
      {provider === 'none' && (
        <p className="notice tone-warning">
          Anyone who knows this address can send events to it. Use it for testing only.
        </p>
      )}
      {error && (
        <p className="notice tone-danger" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="primary" type="submit" busy={busy}>
          {existing ? 'Save changes' : 'Add source'}
        </Button>
      </div>
    </form>
  );
}
