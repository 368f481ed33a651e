import { useState } from 'react';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';

/**
 * Edit the payload, then replay a marked copy with it. The text goes to the engine as
 * written (never parsed and re-serialized here): numbers beyond 2^53 stay exact.
 */
export function EditReplayDialog({
  open,
  initialText,
  json,
  onClose,
  onReplay,
}: {
  open: boolean;
  initialText: string;
  /** The original payload was JSON: the edit must be too. */
  json: boolean;
  onClose: () => void;
  onReplay: (payloadText: string) => Promise<void>;
}) {
  const [text, setText] = useState(initialText);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (json) {
      try {
        JSON.parse(text);
      } catch (err) {
        setError(`This is not valid JSON: ${(err as Error).message}`);
        return;
      }
    }
    setError(null);
    setBusy(true);
    try {
      await onReplay(text);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      wide
      title="Edit and replay"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" busy={busy} onClick={submit}>
            Replay with this payload
          </Button>
        </>
      }
    >
      <p className="muted">
        Your scripts run on a copy of this event with the payload below. The copy is marked &ldquo;edited replay&rdquo;
        and has its own event id; the scripts see <code>HOOKDOCK_REPLAY=1</code>. The original stays as it was.
      </p>
      <Field label={json ? 'Payload (JSON)' : 'Payload'} error={error}>
        <textarea
          className="textarea code-input"
          rows={18}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
    </Dialog>
  );
}
