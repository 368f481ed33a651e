// Only in the desktop app (window.hookdockDesktop): start at login, where
// secrets are kept, and which events raise a notification.
import { useEffect, useState } from 'react';
import type { DesktopPreferences, SecretsStorageStatus } from '../../../shared/desktop';
import { desktop, desktopCall } from '../../app/desktop';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useSecretsSentence } from '../../components/Form';
import { Toggle } from '../../components/Toggle';
import { toastOnError } from '../../components/Toast';

export function DesktopSettings() {
  const d = desktop();
  const [login, setLogin] = useState<{ enabled: boolean; supported: boolean } | null>(null);
  const [secrets, setSecrets] = useState<SecretsStorageStatus | null>(null);
  // The config says how secrets are kept (Settings shows it); this is the fallback for an older engine.
  const sentence = useSecretsSentence();
  const [prefs, setPrefs] = useState<DesktopPreferences | null>(null);
  useEffect(() => {
    if (!d) return;
    desktopCall(d.getLaunchAtLogin({})).then(setLogin, () => undefined);
    desktopCall(d.getSecretsStorage({})).then(setSecrets, () => undefined);
    desktopCall(d.getPreferences({})).then(setPrefs, () => undefined);
  }, [d]);
  if (!d) return null;
  return (
    <Card title="This computer" labelledBy="desktop-title">
      {login?.supported && (
        <p>
          <Toggle
            checked={login.enabled}
            showLabel
            label="Start Hookdock when I log in"
            onChange={(enabled) =>
              void toastOnError(async () => setLogin(await desktopCall(d.setLaunchAtLogin({ enabled }))))
            }
          />
        </p>
      )}
      {prefs && (
        <p>
          <Toggle
            checked={prefs.notificationsEnabled}
            showLabel
            label="Show notifications"
            onChange={(notificationsEnabled) =>
              void toastOnError(async () => setPrefs(await desktopCall(d.setPreferences({ notificationsEnabled }))))
            }
          />
        </p>
      )}
      {prefs && prefs.keepAwake !== undefined && (
        <p>
          <Toggle
            checked={prefs.keepAwake === true}
            showLabel
            label="Keep this computer awake while Hookdock runs"
            onChange={(keepAwake) =>
              void toastOnError(async () => setPrefs(await desktopCall(d.setPreferences({ keepAwake }))))
            }
          />
          <span className="muted small">
            {' '}
            A sleeping computer cannot receive webhooks, and some services give up on it. The screen may still turn off.
          </span>
        </p>
      )}
      {secrets && !sentence && <p className="muted small">{secrets.description}</p>}
      <Button
        size="sm"
        onClick={() => void toastOnError(async () => void (await desktopCall(d.revealInFolder({ target: 'dataDir' }))))}
      >
        Show the data folder
      </Button>
    </Card>
  );
}
