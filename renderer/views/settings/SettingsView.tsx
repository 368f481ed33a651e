// Settings: the tunnel (how the internet reaches this computer), how long
// events are kept, and how many scripts run at once.
import { useEffect, useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { errorMessage, getApi } from '../../api';
import { appStore, useAppState } from '../../api/store';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { Field } from '../../components/Field';
import { toast } from '../../components/Toast';
import { DesktopSettings } from './DesktopSettings';

export function SettingsView() {
  const config = useAppState((s) => s.config);
  const status = useAppState((s) => s.status);
  if (!config) {
    return (
      <div className="page">
        <p className="muted" role="status">
          Loading…
        </p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <PageHeader title="Settings" />
      <TunnelSettings config={config} />
      <KeepingSettings config={config} />
      <DesktopSettings />
      {status && (
        <Card title="About this Hookdock" labelledBy="about-title">
          <dl className="kv">
            <dt>Version</dt>
            <dd>{status.version}</dd>
            <dt>Receives at</dt>
            <dd>
              <code>{status.receiverUrl}</code>
            </dd>
            <dt>Data folder</dt>
            <dd>
              <code>{status.dataDir}</code>
            </dd>
          </dl>
        </Card>
      )}
    </div>
  );
}

async function update(
  args: Parameters<ReturnType<typeof getApi>['updateSettings']>[0],
  done: string,
): Promise<boolean> {
  try {
    appStore.set({ config: await getApi().updateSettings(args) });
    toast(done);
    return true;
  } catch (err) {
    toast(errorMessage(err), 'danger');
    return false;
  }
}

function TunnelSettings({ config }: { config: PublicConfig }) {
  const status = useAppState((s) => s.status);
  const [provider, setProvider] = useState(config.tunnel.provider);
  const [authtoken, setAuthtoken] = useState('');
  const [domain, setDomain] = useState(config.tunnel.domain ?? '');
  const [busy, setBusy] = useState(false);
  useEffect(() => setProvider(config.tunnel.provider), [config.tunnel.provider]);
  const tunnel = status?.tunnel;
  const url = status?.publicUrl ?? tunnel?.url ?? null;
  return (
    <Card title="Public address (tunnel)" labelledBy="tunnel-title">
      <p className="muted">
        Shopify, Stripe and the others need an internet address to send to. Hookdock uses ngrok to give this computer
        one, without opening your router.
      </p>
      <div
        className={`tunnel-state notice tone-${tunnel?.state === 'online' ? 'success' : tunnel?.state === 'error' ? 'danger' : 'muted'}`}
        role="status"
      >
        {tunnel?.state === 'online' && url ? (
          <div className="url-box">
            <code>{url}</code>
            <CopyButton text={url} what="public URL" />
          </div>
        ) : tunnel?.state === 'error' ? (
          (tunnel.error ?? 'The tunnel could not start.')
        ) : tunnel?.state === 'connecting' || tunnel?.state === 'reconnecting' ? (
          'Connecting…'
        ) : (
          'Off: only this computer can send webhooks to Hookdock.'
        )}
      </div>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const ok = await update(
            {
              tunnel: {
                provider,
                ...(authtoken.trim() ? { authtoken: authtoken.trim() } : {}),
                domain: domain.trim() || null,
              },
            },
            'Tunnel settings saved.',
          );
          if (ok) setAuthtoken('');
          setBusy(false);
        }}
      >
        <Field label="Tunnel">
          <select className="select" value={provider} onChange={(e) => setProvider(e.target.value as 'ngrok' | 'none')}>
            <option value="ngrok">ngrok</option>
            <option value="none">None (this computer only)</option>
          </select>
        </Field>
        {provider === 'ngrok' && (
          <>
            <Field
              label="ngrok authtoken"
              hint={
                config.tunnel.hasAuthtoken
                  ? 'A token is saved. Paste a new one to replace it.'
                  : 'Free at dashboard.ngrok.com → Your Authtoken. Paste it here.'
              }
            >
              <input
                className="input"
                type="password"
                autoComplete="off"
                value={authtoken}
                onChange={(e) => setAuthtoken(e.target.value)}
                placeholder={config.tunnel.hasAuthtoken ? '••••••••' : ''}
              />
            </Field>
            <Field
              label="Your ngrok domain (optional)"
              hint="With a fixed domain your webhook URL never changes, so you set it up in Shopify and Stripe once."
            >
              <input
                className="input"
                value={domain}
                onChange={(e) => setDomain(e.target.value)}
                placeholder="my-shop.ngrok.app"
              />
            </Field>
          </>
        )}
        <div className="form-actions">
          {config.tunnel.hasAuthtoken && provider === 'ngrok' && (
            <Button
              variant="ghost"
              onClick={() => void update({ tunnel: { authtoken: null } }, 'The authtoken was removed.')}
            >
              Remove saved token
            </Button>
          )}
          <Button variant="primary" type="submit" busy={busy}>
            Save tunnel settings
          </Button>
        </div>
      </form>
    </Card>
  );
}

function KeepingSettings({ config }: { config: PublicConfig }) {
  const [days, setDays] = useState(String(config.retention.days));
  const [concurrency, setConcurrency] = useState(String(config.limits.concurrency));
  const [error, setError] = useState<string | null>(null);
  return (
    <Card title="Keeping and running" labelledBy="keeping-title">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const d = Number(days);
          const c = Number(concurrency);
          if (!Number.isInteger(d) || d < 1 || d > 3650) return setError('Keep events between 1 and 3650 days.');
          if (!Number.isInteger(c) || c < 1 || c > 64) return setError('Run between 1 and 64 scripts at once.');
          setError(null);
          await update({ retention: { days: d }, limits: { concurrency: c } }, 'Settings saved.');
        }}
      >
        <div className="field-row">
          <Field
            label="Keep events for (days)"
            hint="Older events, and their runs, are removed."
            error={error?.startsWith('Keep') ? error : null}
          >
            <input
              className="input"
              type="number"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </Field>
          <Field
            label="Scripts running at once"
            hint="More finishes a burst sooner; fewer is gentler on this computer."
            error={error?.startsWith('Run') ? error : null}
          >
            <input
              className="input"
              type="number"
              min={1}
              max={64}
              value={concurrency}
              onChange={(e) => setConcurrency(e.target.value)}
            />
          </Field>
        </div>
        <div className="form-actions">
          <Button variant="primary" type="submit">
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}
