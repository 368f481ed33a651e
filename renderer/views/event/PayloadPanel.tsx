import { useId, useState, type KeyboardEvent } from 'react';
import type { HookEvent } from '../../../shared/types';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { JsonView } from '../../components/JsonView';
import { payloadText } from '../../lib/jsonText';

type Tab = 'payload' | 'raw' | 'headers';
const TABS: { id: Tab; label: string }[] = [
  { id: 'payload', label: 'Payload' },
  { id: 'raw', label: 'Raw body' },
  { id: 'headers', label: 'Headers' },
];

/** Payload pretty-printed, the body byte for byte, and the request headers, as tabs. */
export function PayloadPanel({ event }: { event: HookEvent }) {
  const [tab, setTab] = useState<Tab>('payload');
  const base = useId();
  // From the body's own text: parsed numbers beyond 2^53 would show rounded.
  const pretty = payloadText(event);
  const raw = 'text' in event.body ? event.body.text : event.body.base64;
  const headers = Object.entries(event.headers).sort(([a], [b]) => a.localeCompare(b));
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length];
    setTab(t.id);
    document.getElementById(`${base}-tab-${t.id}`)?.focus();
  };
  return (
    <Card
      title="What was sent"
      labelledBy={`${base}-title`}
      actions={
        <CopyButton
          text={tab === 'headers' ? headers.map(([k, v]) => `${k}: ${v}`).join('\n') : tab === 'raw' ? raw : pretty}
          what={tab === 'headers' ? 'headers' : tab === 'raw' ? 'raw body' : 'payload'}
        />
      }
    >
      <div className="tabs" role="tablist" aria-label="What was sent" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${base}-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${base}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            className={`tab ${tab === t.id ? 'is-selected' : ''}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === 'headers' && <span className="tab-count">{headers.length}</span>}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${tab}`} className="tab-panel">
        {tab === 'payload' &&
          (typeof event.payload === 'string' ? (
            <>
              <p className="muted small">The body is not JSON, so it is shown as text.</p>
              <pre className="code-block" tabIndex={0}>
                {event.payload}
              </pre>
            </>
          ) : (
            <JsonView text={pretty} label="Payload" />
          ))}
        {tab === 'raw' && (
          <>
            {'base64' in event.body && <p className="muted small">The body is binary, shown as base64.</p>}
            <pre className="code-block raw-body" tabIndex={0} aria-label="Raw body">
              {raw || '(empty body)'}
            </pre>
          </>
        )}
        {tab === 'headers' && (
          <table className="table headers-table">
            <caption className="visually-hidden">Request headers</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {headers.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>
                    <code className="wrap">{v}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
