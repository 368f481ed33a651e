// Browser dashboard only: lets notify actions show browser notifications while this tab is
// open. Browsers ask for permission only after a click, so it is asked here, once.
import { useBrowserNotifyPermission } from '../../app/browserNotify';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';

const SENTENCES = {
  granted: 'On: "Notify" automations show a notification while this tab is open.',
  denied: "Blocked by this browser. Allow notifications for this page in the browser's site settings.",
  default: '"Notify" automations can show a notification here while this tab is open.',
  unsupported: 'This browser cannot show notifications; the desktop app can.',
} as const;

export function BrowserNotifySettings() {
  const perm = useBrowserNotifyPermission();
  if (!perm) return null; // the desktop app shows native notifications
  return (
    <Card title="Browser notifications" labelledBy="browser-notify-title">
      <p data-testid="browser-notify-state">{SENTENCES[perm.state]}</p>
      {perm.state === 'default' && (
        <Button variant="primary" onClick={() => void perm.ask()}>
          Allow notifications in this browser
        </Button>
      )}
    </Card>
  );
}
