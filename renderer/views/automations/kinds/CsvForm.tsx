// csv: one row per event appended to a spreadsheet file; each column a template.
import { Button } from '../../../components/Button';
import { Field } from '../../../components/Field';
import { TextInput } from '../../../components/inputs';
import { TEMPLATE_HINT, type KindConfig, type KindEntry, type KindFormProps } from './types';
import { TemplatePreview } from './TemplatePreview';

type Csv = KindConfig<'csv'>;

function CsvForm({ value, onChange, errors }: KindFormProps<Csv>) {
  const setColumn = (i: number, patch: Partial<Csv['columns'][number]>) =>
    onChange({ ...value, columns: value.columns.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <>
      <Field
        label="Spreadsheet file (CSV)"
        hint="Its full path, e.g. /home/me/orders.csv. Made with a header row if it is new."
        error={errors.file}
      >
        <TextInput
          className="code-input"
          value={value.file}
          onChange={(file) => onChange({ ...value, file })}
          spellCheck={false}
        />
      </Field>
      <fieldset className="columns-editor">
        <legend className="field-label">Columns</legend>
        <p className="field-hint">{TEMPLATE_HINT}</p>
        {value.columns.map((c, i) => (
          <div className="field-row" key={i}>
            <Field label={`Column ${i + 1} name`}>
              <TextInput value={c.name} onChange={(name) => setColumn(i, { name })} />
            </Field>
            <Field label={`Column ${i + 1} value`}>
              <TextInput className="code-input" value={c.value} onChange={(v) => setColumn(i, { value: v })} />
            </Field>
            <Button
              size="sm"
              variant="ghost"
              disabled={value.columns.length === 1}
              onClick={() => onChange({ ...value, columns: value.columns.filter((_, j) => j !== i) })}
            >
              Remove column {i + 1}
            </Button>
            <TemplatePreview template={c.value} />
          </div>
        ))}
        {errors.columns && (
          <p className="field-error" role="alert">
            {errors.columns}
          </p>
        )}
        <Button size="sm" onClick={() => onChange({ ...value, columns: [...value.columns, { name: '', value: '' }] })}>
          Add a column
        </Button>
      </fieldset>
    </>
  );
}

export const csvKind: KindEntry<Csv> = {
  kind: 'csv',
  label: 'Add a row to a spreadsheet',
  blank: () => ({ kind: 'csv', file: '', columns: [{ name: 'Received', value: '{{ receivedAt }}' }] }),
  Form: CsvForm,
  validate: (v) => {
    const out: Record<string, string> = {};
    if (!/^([a-zA-Z]:[\\/]|[\\/])/.test(v.file.trim()))
      out.file = 'Give the file’s full path, like /home/me/orders.csv.';
    if (!v.columns.length || v.columns.some((c) => !c.name.trim()))
      out.columns = 'Every column needs a name: it becomes the header of the spreadsheet.';
    return out;
  },
};
