// "Send a test" on a destination: a real signed delivery through the outbox; its
// attempts and the other side's answer then appear in the list below like any send.
import { useState } from 'react';
import { getApi } from '../../api';
import { Button } from '../../components/Button';
import { toast, toastOnError } from '../../components/Toast';

export function SendTestButton({ id, name }: { id: string; name: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="sm"
      busy={busy}
      aria-label={`Send a test to ${name}`}
      onClick={async () => {
        setBusy(true);
        try {
          await toastOnError(async () => {
            await getApi().sendTestDelivery({ id });
            toast(`Test queued for ${name}: its answer shows in the list below.`, 'success');
          });
        } finally {
          setBusy(false);
        }
      }}
    >
      Send a test
    </Button>
  );
}
