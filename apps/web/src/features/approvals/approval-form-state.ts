import {
  type ApprovalForm,
  ApprovalInputError,
  type ApprovalValues,
  checkApprovalValues,
  coerceApprovalText,
} from "@taskloom/core";

/**
 * The dashboard's approval form state: text as typed (and checkboxes), turned into typed values with core's
 * rules, so the browser refuses what the server would, with the same messages per field.
 */
export type ApprovalFormState = Record<string, string | boolean>;

/** The starting state: each field's default, else empty (a checkbox unchecked). */
export function initialFormState(form: ApprovalForm | null): ApprovalFormState {
  const state: ApprovalFormState = {};
  for (const [name, field] of Object.entries(form?.properties ?? {})) {
    if (field.type === "boolean") state[name] = field.default === true;
    else state[name] = field.default === undefined ? "" : String(field.default);
  }
  return state;
}

/** Field name → its problems (an empty record when the values are fine). */
export type FormErrors = Record<string, string[]>;

export function errorsByField(fields: readonly { field: string; message: string }[]): FormErrors {
  const errors: FormErrors = {};
  for (const { field, message } of fields) errors[field] = [...(errors[field] ?? []), message];
  return errors;
}

/**
 * The typed values of the state, or the problems of each field. Empty text is "not given" (so a required
 * field says so, and an optional one is left out).
 */
export function formValues(
  taskKey: string,
  form: ApprovalForm | null,
  state: ApprovalFormState,
): { ok: true; values: ApprovalValues } | { ok: false; errors: FormErrors } {
  const submitted: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(form?.properties ?? {})) {
    const value = state[name];
    if (typeof value === "boolean") submitted[name] = value;
    else if (value !== undefined && value !== "") submitted[name] = coerceApprovalText(field, value);
  }
  try {
    return { ok: true, values: checkApprovalValues(taskKey, form, submitted) };
  } catch (error) {
    if (error instanceof ApprovalInputError) return { ok: false, errors: errorsByField(error.fields) };
    throw error;
  }
}
