/**
 * A form's error state: a sentence per field (under it) and one for the form, from a
 * refusal or the form's own checks. A field's error goes away as soon as that field is
 * edited (`clear(field)`), the form's when the form is sent again.
 */
import { useCallback, useState } from 'react';
import { splitFieldErrors, type SplitErrors } from '@/lib/field-errors';

export function useFieldErrors<F extends string>(fields: readonly F[]) {
  const [state, setState] = useState<SplitErrors<F>>({ fields: {}, form: null });

  /** Show an error (a refusal of the server, or anything thrown). */
  const fail = useCallback((error: unknown) => setState(splitFieldErrors(error, fields)), [fields]);

  /** Put the form's own findings on its fields (checks made before sending). */
  const setFields = useCallback((found: Partial<Record<F, string>>, form: string | null = null) => setState({ fields: found, form }), []);

  /** Forget one field's error (it was edited), or every error. */
  const clear = useCallback((field?: F, alsoForm = false) => {
    setState((s) => {
      if (field === undefined) return s.form === null && Object.keys(s.fields).length === 0 ? s : { fields: {}, form: null };
      const hasField = s.fields[field] !== undefined;
      if (!hasField && !(alsoForm && s.form !== null)) return s;
      const rest = { ...s.fields };
      delete rest[field];
      return { fields: rest, form: alsoForm ? null : s.form };
    });
  }, []);

  return {
    fieldError: (field: F): string | undefined => state.fields[field],
    formError: state.form,
    hasErrors: state.form !== null || Object.values(state.fields).some(Boolean),
    fail,
    setFields,
    clear,
  };
}
