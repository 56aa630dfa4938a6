/**
 * A text field as MUI's `TextField` draws it (outlined: label, input, helper text), built
 * from its parts. `TextField` itself brings along every variant and its select (menu,
 * popover, modal, focus trap): code the sign-in page would fetch and run for nothing.
 */
import type { ChangeEvent, InputHTMLAttributes, ReactNode } from 'react';
import { FormControl, FormHelperText, InputLabel, OutlinedInput } from '@mui/material';

export interface OutlinedFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  type?: string;
  autoComplete?: string;
  required?: boolean;
  error?: boolean;
  helperText?: ReactNode;
  /** Attributes of the `<input>` (as TextField's `slotProps.htmlInput`). */
  htmlInput?: InputHTMLAttributes<HTMLInputElement> & Record<`data-${string}`, string>;
  /** Attributes of the helper text (as TextField's `slotProps.formHelperText`). */
  helperTextProps?: { role?: string };
}

export function OutlinedField({ id, label, value, onChange, type, autoComplete, required, error, helperText, htmlInput, helperTextProps }: OutlinedFieldProps) {
  const helperTextId = helperText ? `${id}-helper-text` : undefined;
  return (
    <FormControl className="MuiTextField-root" variant="outlined" required={required} error={error}>
      <InputLabel htmlFor={id} id={`${id}-label`}>
        {label}
      </InputLabel>
      <OutlinedInput
        id={id}
        label={label}
        type={type}
        autoComplete={autoComplete}
        value={value}
        onChange={onChange}
        aria-describedby={helperTextId}
        inputProps={htmlInput}
      />
      {helperText && (
        <FormHelperText id={helperTextId} {...helperTextProps}>
          {helperText}
        </FormHelperText>
      )}
    </FormControl>
  );
}
