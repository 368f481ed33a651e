// One entry per built-in action kind other than script (whose form is the
// automation form's own fields): adding a kind = its form component + one line in index.ts.
import type { ComponentType } from 'react';
import type { ActionConfig } from '../../../../shared/actions';
import type { FieldErrors } from '../../../components/Form';

export type KindConfig<K extends ActionConfig['kind']> = Extract<ActionConfig, { kind: K }>;

export interface KindFormProps<A> {
  value: A;
  onChange: (next: A) => void;
  errors: FieldErrors;
  /** The action as saved, for secrets: a saved secret is never shown, and an empty field keeps it. */
  saved: A | null;
}

export interface KindEntry<A extends ActionConfig = ActionConfig> {
  kind: A['kind'];
  /** Shown in the "Do" list, e.g. "Send an email". */
  label: string;
  /** A new, empty action of this kind. */
  blank: () => A;
  Form: ComponentType<KindFormProps<A>>;
  /** Problems keyed by field, each a sentence saying what to do; empty when it can be saved. */
  validate: (value: A) => FieldErrors;
  /** The action to save: secrets left empty take the saved one back. */
  toSave?: (value: A, saved: A | null) => A;
}

/** Liquid templates can use the event: a hint shared by text fields. */
export const TEMPLATE_HINT = 'You can use the event’s fields, e.g. {{ payload.customer.first_name }}.';

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
