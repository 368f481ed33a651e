// "Only when…": condition rows (field, operator, value) over the event's payload and
// headers, fields picked from a real past event, any/all, and a live "would this past
// event match?" answered by the engine (previewConditions) with the engine's own rules.
import { useEffect, useId, useState } from 'react';
import type { Conditions } from '../../../../shared/conditions';
import type { EventSummary } from '../../../../shared/types';
import { errorMessage, getApi } from '../../../api';
import { Button } from '../../../components/Button';
import { Select, TextInput } from '../../../components/inputs';
import { formatTime } from '../../../lib/format';
import { conditionsToRows, OPS, rowsToConditions, type ConditionRow, type MatchMode } from './rows';
import { useSamples } from './useSamples';

type Preview = { state: 'match' | 'no-match' | 'error'; text: string } | null;

export function ConditionsEditor({
  source,
  events,
  value,
  onChange,
  onSample,
}: {
  source: string;
  events: string[];
  value: Conditions | undefined;
  onChange: (next: Conditions | undefined) => void;
  /** Told the past event picked for the preview (null: none stored), so the action's template previews use it too. */
  onSample?: (event: EventSummary | null) => void;
}) {
  const initial = conditionsToRows(value);
  const [rows, setRows] = useState<ConditionRow[]>(initial?.rows ?? []);
  const [mode, setMode] = useState<MatchMode>(initial?.mode ?? 'all');
  const [handWritten, setHandWritten] = useState(initial === null);
  const samples = useSamples(source, events);
  const [preview, setPreview] = useState<Preview>(null);
  const listId = useId();
  const sample = samples.events.find((e) => e.id === samples.picked) ?? null;
  useEffect(() => {
    onSample?.(sample);
  }, [sample]); // the callback may be a new function each render

  const update = (nextRows: ConditionRow[], nextMode = mode) => {
    setRows(nextRows);
    setMode(nextMode);
    onChange(rowsToConditions(nextRows, nextMode));
  };
  const setRow = (i: number, patch: Partial<ConditionRow>) =>
    update(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const key = JSON.stringify(value ?? null);
  useEffect(() => {
    if (!samples.picked) return setPreview(null);
    if (!value) return setPreview({ state: 'match', text: 'No conditions: every event of these types runs it.' });
    let live = true;
    getApi()
      .previewConditions({ conditions: value, eventId: samples.picked })
      .then(
        (r) =>
          live &&
          setPreview(
            r.error
              ? { state: 'error', text: r.error }
              : r.matches
                ? { state: 'match', text: 'Yes — this event would run it.' }
                : { state: 'no-match', text: 'No — this event would not run it.' },
          ),
        (err) => live && setPreview({ state: 'error', text: errorMessage(err) }),
      );
    return () => {
      live = false;
    };
  }, [key, samples.picked]);

  const previewBlock =
    samples.events.length > 0 ? (
      <div className="condition-preview">
        <label className="field-label">
          Would this past event match?{' '}
          <Select
            value={samples.picked ?? ''}
            onChange={samples.pick}
            options={samples.events.map((e) => [e.id, `${e.summary ?? e.type} · ${formatTime(e.receivedAt)}`] as const)}
          />
        </label>
        {preview && (
          <p className={`preview-${preview.state}`} role="status">
            {preview.text}
          </p>
        )}
      </div>
    ) : (
      <p className="field-hint">
        No past event of this type yet: send a test event from the source’s page to try conditions on it.
      </p>
    );

  if (handWritten) {
    return (
      <div className="conditions">
        <p className="field-hint">These conditions were written by hand; they are kept as they are:</p>
        <pre className="code-block">{JSON.stringify(value, null, 2)}</pre>
        <Button
          size="sm"
          onClick={() => {
            setHandWritten(false);
            update([]);
          }}
        >
          Replace them with simple conditions
        </Button>
        {previewBlock}
      </div>
    );
  }

  return (
    <div className="conditions">
      <datalist id={listId}>
        {samples.fields.map((f) => (
          <option key={f.path} value={f.path}>
            {f.example}
          </option>
        ))}
      </datalist>
      {rows.length > 1 && (
        <Select
          aria-label="Match"
          value={mode}
          onChange={(m) => update(rows, m)}
          options={[
            ['all', 'All of these must be true'],
            ['any', 'Any one of these is enough'],
          ]}
        />
      )}
      {rows.map((row, i) => (
        <div className="condition-row" key={i}>
          <TextInput
            aria-label={`Condition ${i + 1} field`}
            className="code-input"
            list={listId}
            value={row.field}
            onChange={(field) => setRow(i, { field })}
            placeholder="payload.total_price"
            spellCheck={false}
          />
          <Select
            aria-label={`Condition ${i + 1} operator`}
            value={row.op}
            onChange={(op) => setRow(i, { op })}
            options={OPS}
          />
          {row.op !== 'exists' && (
            <TextInput
              aria-label={`Condition ${i + 1} value`}
              value={row.value}
              onChange={(v) => setRow(i, { value: v })}
              placeholder={row.op === 'in' ? 'NL, BE' : '100'}
            />
          )}
          <Button
            size="sm"
            variant="ghost"
            aria-label={`Remove condition ${i + 1}`}
            onClick={() => update(rows.filter((_, j) => j !== i))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button size="sm" onClick={() => update([...rows, { field: '', op: 'eq', value: '' }])}>
        Add a condition
      </Button>
      {previewBlock}
    </div>
  );
}
