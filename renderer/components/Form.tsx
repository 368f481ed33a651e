// The parts every editing form shares: the busy/error state of a submit that
// calls the API, the error line and Cancel/Save bar, and the secret field.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { PublicConfig } from '../../shared/api';
import { errorMessage } from '../api';
import { useAppState } from '../api/store';
import { Button } from './Button';
import { Field } from './Field';
import { TextInput } from './inputs';

/** Problems per field name, each a sentence shown next to its field. */
export type FieldErrors = Record<string, string>;

export interface SaveFormState {
  error: string | null;
  setError: (error: string | null) => void;
  /** From the last submit: every field's problem at once. */
  fieldErrors: FieldErrors;
  /** Counts submits that found field problems: SaveForm then moves focus to the first one. */
  problemRound: number;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
}

/**
 * `submit` checks the fields and calls the API. A string it returns is a
 * problem to show (nothing was sent); an object is every field's problem at once,
 * shown next to each field with focus moved to the first; an error it throws is
 * shown like a string, so validation and API refusals read alike.
 */
export function useSaveForm(
  submit: () => Promise<string | FieldErrors | void> | string | FieldErrors | void,
): SaveFormState {
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [problemRound, setProblemRound] = useState(0);
  const [busy, setBusy] = useState(false);
  // Every form here saves into config.json: a rejected hand edit there would be replaced. Ask first.
  const rejectedEdit = useAppState((s) => s.status?.configRejectedEdit ?? null);
  const [overwriteOk, setOverwriteOk] = useState<string | null>(null);
  const run = async () => {
    setError(null);
    if (rejectedEdit && overwriteOk !== rejectedEdit) {
      setOverwriteOk(rejectedEdit);
      setError(overwriteWarning(rejectedEdit));
      return;
    }
    setBusy(true);
    try {
      const problem = await submit();
      if (typeof problem === 'string') {
        setFieldErrors({});
        setError(problem);
      } else if (problem && Object.keys(problem).length) {
        setFieldErrors(problem);
        const n = Object.keys(problem).length;
        // The message sits under the fields (see SaveForm), so they are "above" it.
        setError(n === 1 ? 'Fix the field marked above.' : `Fix the ${n} fields marked above.`);
        setProblemRound((r) => r + 1);
      } else setFieldErrors({});
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return {
    error,
    setError,
    fieldErrors,
    problemRound,
    busy,
    onSubmit: (e) => {
      e.preventDefault();
      void run();
    },
  };
}

/** What saving would do to config.json while it holds a hand edit that was rejected. */
export function overwriteWarning(why: string): string {
  return (
    `config.json has a hand edit Hookdock could not use: ${why.replace(/\.?$/, '.')} Saving here replaces the file ` +
    'with the settings in use plus this change, and that hand edit is lost. Fix the file instead, or save again to replace it.'
  );
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
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!form.problemRound) return;
    // The first marked control in reading order: a Field's control, or an input inside a marked group.
    // A marked group's own input (where its message is) beats its chips: the owner types the fix there.
    const el = ref.current;
    const first =
      el?.querySelector<HTMLElement>('[aria-invalid="true"], .has-error input') ??
      el?.querySelector<HTMLElement>('.has-error button');
    first?.focus();
  }, [form.problemRound]);
  return (
    <form className={className} onSubmit={form.onSubmit} ref={ref} noValidate>
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
