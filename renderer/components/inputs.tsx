// Form controls that hand back the value, not the change event: views keep
// string state, and the Field around them adds the id and aria attributes.
import type { InputHTMLAttributes, SelectHTMLAttributes } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  value: string;
  onChange: (value: string) => void;
};

export function TextInput({ onChange, className, ...rest }: InputProps) {
  return <input {...rest} className={`input ${className ?? ''}`.trim()} onChange={(e) => onChange(e.target.value)} />;
}

/** A number kept as the typed text, so a half-typed value is not rewritten under the cursor. */
export function NumberInput(props: Omit<InputProps, 'type'>) {
  return <TextInput {...props} type="number" />;
}

type SelectProps<T extends string> = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
  value: T;
  onChange: (value: T) => void;
  /** [value, label] pairs, in order. */
  options: readonly (readonly [T, string])[];
};

export function Select<T extends string>({ value, onChange, options, className, ...rest }: SelectProps<T>) {
  return (
    <select
      {...rest}
      className={`select ${className ?? ''}`.trim()}
      value={value}
      onChange={(e) => onChange(e.target.value as T)}
    >
      {options.map(([v, label]) => (
        <option key={v} value={v}>
          {label}
        </option>
      ))}
    </select>
  );
}
