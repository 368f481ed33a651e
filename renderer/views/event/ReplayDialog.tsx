// "Replay" asks first: the scripts get the very event id they were told to
// deduplicate on, so the owner should know how a careful script tells a
// deliberate replay from a redelivery (HOOKDOCK_REPLAY=1, "run": {"reason": "replay"}).
import { useState } from 'react';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';

export function ReplayDialog({
  open,
  eventId,
  test,
  onClose,
  onReplay,
}: {
  open: boolean;
  eventId: string;
  /** A test event: its scripts see HOOKDOCK_TEST=1 too. */
  test: boolean;
  onClose: () => void;
  onReplay: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const replay = async () => {
    setBusy(true);
    try {
      await onReplay();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      title="Replay this event?"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" busy={busy} onClick={replay}>
            Replay now
          </Button>
        </>
      }
    >
      <p>Every automation that matches this event runs again, now, as a new run marked &ldquo;Replay&rdquo;.</p>
      <p>
        Your scripts see the <strong>same event id</strong> as the first time:
      </p>
      <pre className="code-block">{`HOOKDOCK_EVENT_ID=${eventId}\nHOOKDOCK_REPLAY=1\n"run": {"reason": "replay"}   (in the event on stdin)`}</pre>
      <p>
        A script that skips events it has already handled should check <code>HOOKDOCK_REPLAY</code>, or it will ignore
        this replay.
      </p>
      {test && (
        <p className="muted">
          This is a test event: the scripts also see <code>HOOKDOCK_TEST=1</code>.
        </p>
      )}
    </Dialog>
  );
}
