import { describe, expect, it } from "vitest";
import {
  type ApprovalForm,
  ApprovalInputError,
  checkApprovalValues,
  coerceApprovalText,
} from "./approval-form.ts";

const form: ApprovalForm = {
  type: "object",
  properties: {
    env: { type: "string", enum: ["staging", "prod"] },
    replicas: { type: "integer", minimum: 1, maximum: 10, default: 2 },
    ratio: { type: "number", minimum: 0, maximum: 1 },
    notify: { type: "boolean", default: false },
    note: { type: "string", maxLength: 5 },
  },
  required: ["env", "replicas"],
};

const errorsOf = (submitted: Record<string, unknown>) => {
  try {
    checkApprovalValues("gate", form, submitted);
  } catch (error) {
    if (error instanceof ApprovalInputError) return error.fields;
    throw error;
  }
  return [];
};

describe("approval form values", () => {
  it("fills defaults and keeps the form's field order", () => {
    const values = checkApprovalValues("gate", form, { note: "hi", env: "prod" });
    expect(values).toEqual({ env: "prod", replicas: 2, notify: false, note: "hi" });
    expect(Object.keys(values)).toEqual(["env", "replicas", "notify", "note"]);
  });

  it("names every field in trouble with its own message", () => {
    expect(errorsOf({ replicas: 11, ratio: "x", note: "toolong", extra: 1, notify: "yes" })).toEqual([
      { field: "extra", message: "is not a field of this form" },
      { field: "env", message: "is required" },
      { field: "replicas", message: "must be at most 10" },
      { field: "ratio", message: "must be a number" },
      { field: "notify", message: "must be true or false" },
      { field: "note", message: "must be at most 5 characters" },
    ]);
    expect(errorsOf({ env: "dev" })).toEqual([{ field: "env", message: 'must be one of "staging", "prod"' }]);
    expect(errorsOf({ env: "prod", replicas: 1.5 })).toEqual([
      { field: "replicas", message: "must be a whole number" },
    ]);
  });

  it("says so in one line for the CLI and the API", () => {
    expect(() => checkApprovalValues("gate", form, {})).toThrow(
      "the input of approval `gate` is invalid: env: is required",
    );
    expect(() => checkApprovalValues("gate", null, { a: 1 })).toThrow("a: this approval has no form");
    expect(checkApprovalValues("gate", null, {})).toEqual({});
  });

  it("reads typed text as the field's type and leaves other text for the check to refuse", () => {
    expect(coerceApprovalText({ type: "integer" }, "3")).toBe(3);
    expect(coerceApprovalText({ type: "number" }, "")).toBe("");
    expect(coerceApprovalText({ type: "boolean" }, "true")).toBe(true);
    expect(coerceApprovalText({ type: "boolean" }, "yes")).toBe("yes");
    expect(coerceApprovalText({ type: "string" }, "42")).toBe("42");
  });
});
