import { useState } from 'react';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { prettyPayload } from './eventExport';

/** Edit the payload as JSON, then replay a marked copy with it. */
export function EditReplayDialog({
  open,
  payload,
  onClose,
  onReplay,
}: {
  open: boolean;
  payload: unknown;
  onClose: () => void;
  onReplay: (payload: unknown) => Promise<void>;
}) {
  const [text, setText] = useState(() => prettyPayload(payload));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      setError(`This is not valid JSON: ${(err as Error).message}`);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await onReplay(parsed);
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
        Your scripts run on a copy of this event with the payload below. The copy is marked &ldquo;edited replay&rdquo;;
        the original stays as it was.
      </p>
      <Field label="Payload (JSON)" error={error}>
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
