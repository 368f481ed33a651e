// The parts every editing form shares: the busy/error state of a submit that
// calls the API, the error line and Cancel/Save bar, and the secret field.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { PublicConfig } from '../../shared/api';
import { errorMessage } from '../api';
import { useAppState } from '../api/store';
import { Button } from './Button';
import { Field } from './Field';
import { TextInput } from './inputs';

export interface SaveFormState {
  error: string | null;
  setError: (error: string | null) => void;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
}

/**
 * `submit` checks the fields and calls the API. A string it returns is a
 * problem to show (nothing was sent); an error it throws is shown the same way,
 * so validation and API refusals read alike.
 */
export function useSaveForm(submit: () => Promise<string | void> | string | void): SaveFormState {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      const problem = await submit();
      if (problem) setError(problem);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return {
    error,
    setError,
    busy,
    onSubmit: (e) => {
      e.preventDefault();
      void run();
    },
  };
}

/** A form driven by useSaveForm: its fields, then the error (if any) and the Cancel / submit bar. */
export function SaveForm({
  form,
  submitLabel,
  onCancel,
  className,
  extraActions,
  children,
}: {
  form: SaveFormState;
  submitLabel: string;
  onCancel?: () => void;
  className?: string;
  /** Shown before Cancel, e.g. "Remove saved token". */
  extraActions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form className={className} onSubmit={form.onSubmit}>
      {children}
      <FormError error={form.error} />
      <div className="form-actions">
        {extraActions}
        {onCancel && (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button variant="primary" type="submit" busy={form.busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="notice tone-danger" role="alert">
      {error}
    </p>
  );
}

const STORAGE_SENTENCE: Record<NonNullable<PublicConfig['secretsStorage']>, string> = {
  'os-keychain': 'Secrets are encrypted with your system keychain.',
  'plain-file': 'Secrets are stored in a file only your user account can read (this system offers no keychain).',
};

/** How secrets are kept at rest, in one sentence; null when the engine does not say. */
export function useSecretsSentence(): string | null {
  const storage = useAppState((s) => s.config?.secretsStorage);
  return storage ? STORAGE_SENTENCE[storage] : null;
}

/**
 * A secret is never shown back: the field starts empty, and leaving it empty
 * keeps the saved one. The hint says how secrets are kept on this computer.
 */
export function SecretField({
  label,
  hint,
  value,
  onChange,
  saved,
  placeholder,
  reveal = false,
}: {
  label: string;
  hint: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** A secret is already saved (the placeholder shows dots). */
  saved: boolean;
  placeholder?: string;
  /** Show what is typed: for secrets the owner must copy elsewhere (whsec_ for a destination). */
  reveal?: boolean;
}) {
  const sentence = useSecretsSentence();
  return (
    <Field
      label={label}
      hint={
        <>
          {hint}
          {sentence && <span className="secrets-storage"> {sentence}</span>}
        </>
      }
    >
      <TextInput
        className={reveal ? 'code-input' : undefined}
        type={reveal ? 'text' : 'password'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={onChange}
        placeholder={saved && !reveal ? '••••••••' : placeholder}
      />
    </Field>
  );
}
