// Modal dialogs on the native <dialog>: focus is trapped, Escape closes, and
// the page behind is inert, without any library. Focus goes back to the control
// that opened it on close, also when the dialog is unmounted while open (which
// the browser's own restore does not cover).
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './Button';

export function Dialog({
  open,
  title,
  onClose,
  children,
  footer,
  wide,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal?.();
    // The browser focuses the first focusable element, the × in the header: start instead on
    // what the dialog is about (an element marked data-autofocus, else the body's first field),
    // else on the footer's first button (Cancel: the safe choice for a confirmation).
    const focusable = ':is(input, select, textarea, button, a[href], [tabindex]):not([disabled]):not([tabindex="-1"])';
    const first =
      d.querySelector<HTMLElement>('[data-autofocus]') ??
      d.querySelector<HTMLElement>(`.dialog-body ${focusable}`) ??
      d.querySelector<HTMLElement>(`.dialog-footer ${focusable}`);
    first?.focus();
    return () => {
      if (d.open) d.close?.();
      // The opener may be gone (a deleted row): then the browser's default stands.
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog ${wide ? 'dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <>
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </>
      )}
    </dialog>
  );
}

/** "Delete X?" with the consequence spelled out; resolves only on an explicit yes. */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            busy={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onConfirm();
              } finally {
                setBusy(false);
              }
            }}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      {body}
    </Dialog>
  );
}
