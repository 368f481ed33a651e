import { useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { errorMessage, getApi } from '../../api';
import { useAppState } from '../../api/store';
import { href } from '../../app/router';
import { Button } from '../../components/Button';
import { CopyButton } from '../../components/CopyButton';
import { providerInfo } from '../../lib/providers';

type Source = PublicConfig['sources'][number];

/** The address to paste into the provider, whether it is public, and a test button. */
export function webhookUrlFor(source: Source, receiverUrl: string | undefined): { url: string; isPublic: boolean } {
  if (source.webhookUrl) {
    const isPublic = !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(source.webhookUrl);
    return { url: source.webhookUrl, isPublic };
  }
  return { url: `${(receiverUrl ?? 'http://127.0.0.1:8787').replace(/\/$/, '')}/hooks/${source.id}`, isPublic: false };
}

export function WebhookUrl({ source }: { source: Source }) {
  const status = useAppState((s) => s.status);
  const { url, isPublic } = webhookUrlFor(source, status?.receiverUrl);
  return (
    <div className="webhook-url">
      <div className="url-box">
        <code data-testid="webhook-url">{url}</code>
        <CopyButton text={url} what="webhook URL" variant="primary" />
      </div>
      {!isPublic && (
        <p className="field-hint">
          This address only works from this computer. To receive from {providerInfo(source.provider).name} on the
          internet, turn on the tunnel in <a href="#/settings">Settings</a>.
        </p>
      )}
    </div>
  );
}

/**
 * A set-up step as the card shows it: once a secret is saved the card's button says
 * "Edit", not "Paste its secret", so the step names the button that is there.
 */
export function stepFor(step: string, source: Source): string {
  return source.hasSecret ? step.replace('"Paste its secret"', '"Edit"') : step;
}

export function SourceSetup({ source }: { source: Source }) {
  const info = providerInfo(source.provider);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string; eventId: string | null } | null>(null);
  // Off on every visit: a made-up refund must not run the real refund script unless asked for.
  const [runAutomations, setRunAutomations] = useState(false);
  const sendTest = async () => {
    setBusy(true);
    try {
      const r = await getApi().sendTestEvent({ id: source.id, runAutomations });
      const ok = r.statusCode >= 200 && r.statusCode < 300;
      setResult({ ok, message: r.message, eventId: r.eventId });
    } catch (err) {
      setResult({ ok: false, message: errorMessage(err), eventId: null });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="source-setup">
      {source.connect ? (
        // Hookdock made the webhook itself: steps to create one by hand would make a second one.
        <>
          <h3 className="setup-title">1. The address Hookdock gave {info.name}</h3>
          <WebhookUrl source={source} />
          <p className="muted small" data-testid="managed-steps">
            Hookdock made the webhook in {info.name} itself and keeps it working (see &ldquo;Managed by
            Hookdock&rdquo;): there is nothing to create or paste in {info.name}.
          </p>
          <h3 className="setup-title">2. Check that it works</h3>
        </>
      ) : (
        <>
          <h3 className="setup-title">1. Paste this URL in {info.name}</h3>
          <WebhookUrl source={source} />
          <h3 className="setup-title">2. In {info.name}</h3>
          <ol className="steps">
            {info.steps.map((s) => (
              <li key={s}>{stepFor(s, source)}</li>
            ))}
          </ol>
          <h3 className="setup-title">3. Check that it works</h3>
        </>
      )}
      <div className="test-row">
        <Button onClick={sendTest} busy={busy}>
          Send a test event
        </Button>
        <label className="check">
          <input type="checkbox" checked={runAutomations} onChange={(e) => setRunAutomations(e.target.checked)} />
          Also run my automations on it
        </label>
        {result && (
          <span className={`test-result ${result.ok ? 'is-ok' : 'is-bad'}`} role="status">
            {result.message} {result.eventId && <a href={href('events', result.eventId)}>Open the test event</a>}
          </span>
        )}
      </div>
    </div>
  );
}
