// Picks event types: the ones seen from the chosen source, the provider's
// usual ones, or any type or pattern typed in ("refund.*", "*").
import { useState } from 'react';
import { humanizeType } from '../../../shared/summary';
import { Button } from '../../components/Button';

export function EventTypePicker({
  value,
  onChange,
  seen,
  common,
  labelId,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  seen: string[];
  common: string[];
  labelId: string;
}) {
  const [custom, setCustom] = useState('');
  const toggle = (t: string) => onChange(value.includes(t) ? value.filter((x) => x !== t) : [...value, t]);
  const add = () => {
    const t = custom.trim();
    if (t && !value.includes(t)) onChange([...value, t]);
    setCustom('');
  };
  const suggestions = [...new Set([...seen, ...common])];
  const extra = value.filter((v) => !suggestions.includes(v));
  return (
    <div className="type-picker" role="group" aria-labelledby={labelId}>
      {extra.length > 0 && (
        <div className="chips picked">
          {extra.map((t) => (
            <button
              key={t}
              type="button"
              className="chip"
              aria-pressed="true"
              onClick={() => toggle(t)}
              aria-label={`Remove ${t}`}
            >
              <code>{t}</code> ×
            </button>
          ))}
        </div>
      )}
      {seen.length > 0 && <p className="field-hint">Seen from this source</p>}
      <div className="chips">
        {seen.map((t) => (
          <Chip key={t} type={t} on={value.includes(t)} toggle={toggle} />
        ))}
      </div>
      {common.filter((t) => !seen.includes(t)).length > 0 && <p className="field-hint">Common ones</p>}
      <div className="chips">
        {common
          .filter((t) => !seen.includes(t))
          .map((t) => (
            <Chip key={t} type={t} on={value.includes(t)} toggle={toggle} />
          ))}
      </div>
      <div className="inline-add">
        <input
          className="input"
          aria-label="Another event type or pattern"
          placeholder="Another type, or a pattern like refund.* or *"
          value={custom}
          onChange={(e) => setCustom(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button size="sm" onClick={add} disabled={!custom.trim()}>
          Add
        </Button>
      </div>
    </div>
  );
}

function Chip({ type, on, toggle }: { type: string; on: boolean; toggle: (t: string) => void }) {
  return (
    <button type="button" className="chip" aria-pressed={on} onClick={() => toggle(type)} title={type}>
      {on && <span aria-hidden="true">✓</span>}
      {humanizeType(type)}
    </button>
  );
}
