// email: sent over the owner's SMTP server; subject and body are templates, the password a secret.
import { Field } from '../../../components/Field';
import { SecretField } from '../../../components/Form';
import { NumberInput, TextInput } from '../../../components/inputs';
import { TEMPLATE_HINT, type KindConfig, type KindEntry, type KindFormProps } from './types';
import { TemplatePreview } from './TemplatePreview';

type Email = KindConfig<'email'>;

function EmailForm({ value, onChange, errors, saved }: KindFormProps<Email>) {
  const smtp = (patch: Partial<Email['smtp']>) => onChange({ ...value, smtp: { ...value.smtp, ...patch } });
  return (
    <>
      <div className="field-row">
        <Field label="To" error={errors.to}>
          <TextInput type="email" value={value.to} onChange={(to) => onChange({ ...value, to })} />
        </Field>
        <Field label="From" error={errors.from}>
          <TextInput type="email" value={value.from} onChange={(from) => onChange({ ...value, from })} />
        </Field>
      </div>
      <TemplatePreview template={value.to} />
      <Field label="Subject" hint={TEMPLATE_HINT} error={errors.subject}>
        <TextInput value={value.subject} onChange={(subject) => onChange({ ...value, subject })} />
      </Field>
      <TemplatePreview template={value.subject} />
      <Field label="Message">
        <textarea
          className="textarea"
          rows={4}
          value={value.body}
          onChange={(e) => onChange({ ...value, body: e.target.value })}
        />
      </Field>
      <TemplatePreview template={value.body} />
      <fieldset className="smtp-fields">
        <legend className="field-label">Your mail server (SMTP)</legend>
        <div className="field-row">
          <Field label="Server" hint="e.g. smtp.gmail.com" error={errors.host}>
            <TextInput value={value.smtp.host} onChange={(host) => smtp({ host })} spellCheck={false} />
          </Field>
          <Field label="Port" hint="587 or 465 (secure)" error={errors.port}>
            <NumberInput
              value={String(value.smtp.port)}
              onChange={(p) => smtp({ port: Number(p), secure: Number(p) === 465 })}
            />
          </Field>
        </div>
        <div className="field-row">
          <Field label="User name">
            <TextInput value={value.smtp.user} onChange={(user) => smtp({ user })} autoComplete="off" />
          </Field>
          <SecretField
            label="Password"
            hint="Kept like your other secrets."
            value={value.smtp.password === saved?.smtp.password ? '' : value.smtp.password}
            saved={Boolean(saved?.smtp.password)}
            onChange={(password) => smtp({ password: password || saved?.smtp.password || '' })}
          />
        </div>
      </fieldset>
    </>
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const emailKind: KindEntry<Email> = {
  kind: 'email',
  label: 'Send an email',
  blank: () => ({
    kind: 'email',
    smtp: { host: '', port: 587, secure: false, user: '', password: '' },
    from: '',
    to: '',
    subject: '',
    body: '',
  }),
  Form: EmailForm,
  validate: (v) => {
    const out: Record<string, string> = {};
    if (!EMAIL.test(v.to.trim())) out.to = 'Give the address to send to, like me@example.com.';
    if (!EMAIL.test(v.from.trim())) out.from = 'Give the address it comes from, like shop@example.com.';
    if (!v.subject.trim()) out.subject = 'Give the email a subject.';
    if (!v.smtp.host.trim()) out.host = 'Give your mail server’s name, like smtp.example.com.';
    if (!Number.isInteger(v.smtp.port) || v.smtp.port < 1 || v.smtp.port > 65535)
      out.port = 'The port is a number from 1 to 65535, usually 587.';
    return out;
  },
};
