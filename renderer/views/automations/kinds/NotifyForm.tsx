// notify: a desktop notification (a browser one in the dashboard) with templated title and body.
import { Field } from '../../../components/Field';
import { TextInput } from '../../../components/inputs';
import { TEMPLATE_HINT, type KindEntry, type KindConfig, type KindFormProps } from './types';
import { TemplatePreview } from './TemplatePreview';

type Notify = KindConfig<'notify'>;

function NotifyForm({ value, onChange, errors }: KindFormProps<Notify>) {
  return (
    <>
      <Field label="Notification title" hint={TEMPLATE_HINT} error={errors.title}>
        <TextInput value={value.title} onChange={(title) => onChange({ ...value, title })} />
      </Field>
      <TemplatePreview template={value.title} />
      <Field label="Notification text" error={errors.body}>
        <textarea
          className="textarea"
          rows={3}
          value={value.body}
          onChange={(e) => onChange({ ...value, body: e.target.value })}
        />
      </Field>
      <TemplatePreview template={value.body} />
    </>
  );
}

export const notifyKind: KindEntry<Notify> = {
  kind: 'notify',
  label: 'Notify me',
  blank: () => ({ kind: 'notify', title: '', body: '' }),
  Form: NotifyForm,
  validate: (v): Record<string, string> =>
    v.title.trim() ? {} : { title: 'Give the notification a title, e.g. “New order”.' },
};
