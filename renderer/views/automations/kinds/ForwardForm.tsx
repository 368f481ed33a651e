// forward: POST the event to a URL through the outbox; the original bytes unless a body template is given.
import { useState } from 'react';
import { Field } from '../../../components/Field';
import { SecretField } from '../../../components/Form';
import { TextInput } from '../../../components/inputs';
import { isHttpUrl, TEMPLATE_HINT, type KindConfig, type KindEntry, type KindFormProps } from './types';
import { TemplatePreview } from './TemplatePreview';

type Forward = KindConfig<'forward'>;

function ForwardForm({ value, onChange, errors, saved }: KindFormProps<Forward>) {
  const [ownBody, setOwnBody] = useState(value.body !== undefined);
  return (
    <>
      <Field label="Send to (URL)" hint="Where your agent or service listens, e.g. https://…" error={errors.url}>
        <TextInput
          className="code-input"
          value={value.url}
          onChange={(url) => onChange({ ...value, url })}
          spellCheck={false}
        />
      </Field>
      <SecretField
        label="Signing secret (optional)"
        hint="When set, each request is signed with Standard Webhooks so the receiver can check it came from you."
        value={value.secret === saved?.secret ? '' : (value.secret ?? '')}
        saved={Boolean(saved?.secret)}
        onChange={(secret) => onChange({ ...value, secret: secret || saved?.secret || undefined })}
      />
      <Field label="Headers to pass on" hint="Names of the original request’s headers, separated by commas.">
        <TextInput
          value={(value.headers ?? []).join(', ')}
          onChange={(t) => {
            const headers = t
              .split(',')
              .map((h) => h.trim())
              .filter(Boolean);
            onChange({ ...value, headers });
          }}
        />
      </Field>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={ownBody}
          onChange={(e) => {
            setOwnBody(e.target.checked);
            onChange({ ...value, body: e.target.checked ? (value.body ?? '{{ payload | json }}') : undefined });
          }}
        />{' '}
        Send my own body instead of the original one
      </label>
      {ownBody && (
        <Field label="Body" hint={TEMPLATE_HINT}>
          <textarea
            className="textarea code-input"
            rows={4}
            value={value.body ?? ''}
            onChange={(e) => onChange({ ...value, body: e.target.value })}
          />
        </Field>
      )}
      {ownBody && <TemplatePreview template={value.body ?? ''} />}
    </>
  );
}

export const forwardKind: KindEntry<Forward> = {
  kind: 'forward',
  label: 'Forward it to a URL',
  blank: () => ({ kind: 'forward', url: '', headers: [] }),
  Form: ForwardForm,
  validate: (v): Record<string, string> =>
    isHttpUrl(v.url.trim()) ? {} : { url: 'Give a full web address, like https://agent.example.com/hook.' },
  toSave: (v) => ({ ...v, url: v.url.trim() }),
};
