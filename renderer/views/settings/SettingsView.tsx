// Settings: the tunnel (how the internet reaches this computer), how long
// events are kept, how many scripts run at once, and how secrets are kept.
import { useEffect, useState } from 'react';
import type { PublicConfig } from '../../../shared/api';
import { errorMessage, getApi } from '../../api';
import { appStore, useAppState } from '../../api/store';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { Field } from '../../components/Field';
import { SaveForm, SecretField, useSaveForm, useSecretsSentence } from '../../components/Form';
import { NumberInput, Select, TextInput } from '../../components/inputs';
import { LoadingPage } from '../../components/Loading';
import { toast } from '../../components/Toast';
import { BrowserNotifySettings } from './BrowserNotifySettings';
import { DesktopSettings } from './DesktopSettings';
import { FollowSettings } from './FollowSettings';
import { FollowersSettings } from './FollowersSettings';

export function SettingsView() {
  const config = useAppState((s) => s.config);
  if (!config) return <LoadingPage />;
  return (
    <div className="page narrow">
      <PageHeader title="Settings" />
      <FollowSettings config={config} />
      <TunnelSettings config={config} />
      <KeepingSettings config={config} />
      <FollowersSettings />
      <DesktopSettings />
      <BrowserNotifySettings />
      <AboutCard />
    </div>
  );
}

function AboutCard() {
  const status = useAppState((s) => s.status);
  const secrets = useSecretsSentence();
  if (!status && !secrets) return null;
  return (
    <Card title="About this Hookdock" labelledBy="about-title">
      <dl className="kv">
        {status && (
          <>
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
          </>
        )}
        {secrets && (
          <>
            <dt>Secrets</dt>
            <dd data-testid="secrets-storage">{secrets}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}

type SettingsArgs = Parameters<ReturnType<typeof getApi>['updateSettings']>[0];

/** Saves and says so; a refusal throws, for the form to show. */
async function update(args: SettingsArgs, done: string): Promise<void> {
  appStore.set({ config: await getApi().updateSettings(args) });
  toast(done);
}

const TUNNELS = [
  ['ngrok', 'ngrok'],
  ['none', 'None (this computer only)'],
] as const satisfies readonly (readonly ['ngrok' | 'none', string])[];

function TunnelSettings({ config }: { config: PublicConfig }) {
  const status = useAppState((s) => s.status);
  const [provider, setProvider] = useState(config.tunnel.provider);
  const [authtoken, setAuthtoken] = useState('');
  const [domain, setDomain] = useState(config.tunnel.domain ?? '');
  useEffect(() => setProvider(config.tunnel.provider), [config.tunnel.provider]);
  const form = useSaveForm(async () => {
    await update(
      {
        tunnel: {
          provider,
          ...(authtoken.trim() ? { authtoken: authtoken.trim() } : {}),
          domain: domain.trim() || null,
        },
      },
      'Tunnel settings saved.',
    );
    setAuthtoken('');
  });
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
      {config.follow && (
        <p className="muted" data-testid="tunnel-following">
          This computer follows a Hookdock server (above), so the tunnel stays off: your shops send to the server.
        </p>
      )}
      {tunnel?.provider === 'none' && config.tunnel.provider === 'ngrok' && config.tunnel.hasAuthtoken && (
        <p className="muted" data-testid="tunnel-overridden">
          Hookdock was started with the tunnel turned off (--tunnel none), so these settings apply from its next start
          without that option.
        </p>
      )}
      <SaveForm
        form={form}
        submitLabel="Save tunnel settings"
        extraActions={
          config.tunnel.hasAuthtoken &&
          provider === 'ngrok' && (
            <Button
              variant="ghost"
              onClick={() =>
                void update({ tunnel: { authtoken: null } }, 'The authtoken was removed.').catch((err: unknown) =>
                  form.setError(errorMessage(err)),
                )
              }
            >
              Remove saved token
            </Button>
          )
        }
      >
        <Field label="Tunnel">
          <Select value={provider} onChange={setProvider} options={TUNNELS} />
        </Field>
        {provider === 'ngrok' && (
          <>
            <SecretField
              label="ngrok authtoken"
              hint={
                config.tunnel.hasAuthtoken
                  ? 'A token is saved. Paste a new one to replace it.'
                  : 'Free at dashboard.ngrok.com → Your Authtoken. Paste it here.'
              }
              value={authtoken}
              onChange={setAuthtoken}
              saved={config.tunnel.hasAuthtoken}
            />
            <Field
              label="Your ngrok domain (optional)"
              hint="With a fixed domain your webhook URL never changes, so you set it up in Shopify and Stripe once."
            >
              <TextInput value={domain} onChange={setDomain} placeholder="my-shop.ngrok.app" />
            </Field>
          </>
        )}
      </SaveForm>
    </Card>
  );
}

function KeepingSettings({ config }: { config: PublicConfig }) {
  const [days, setDays] = useState(String(config.retention.days));
  const [concurrency, setConcurrency] = useState(String(config.limits.concurrency));
  const form = useSaveForm(async () => {
    const d = Number(days);
    const c = Number(concurrency);
    if (!Number.isInteger(d) || d < 1 || d > 3650) return 'Keep events between 1 and 3650 days.';
    if (!Number.isInteger(c) || c < 1 || c > 64) return 'Run between 1 and 64 scripts at once.';
    await update({ retention: { days: d }, limits: { concurrency: c } }, 'Settings saved.');
  });
  return (
    <Card title="Keeping and running" labelledBy="keeping-title">
      <SaveForm form={form} submitLabel="Save">
        <div className="field-row">
          <Field label="Keep events for (days)" hint="Older events, and their runs, are removed.">
            <NumberInput min={1} max={3650} value={days} onChange={setDays} />
          </Field>
          <Field
            label="Scripts running at once"
            hint="More finishes a burst sooner; fewer is gentler on this computer."
          >
            <NumberInput min={1} max={64} value={concurrency} onChange={setConcurrency} />
          </Field>
        </div>
      </SaveForm>
    </Card>
  );
}
