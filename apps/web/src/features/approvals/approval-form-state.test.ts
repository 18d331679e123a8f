import type { ApprovalForm } from "@taskloom/core";
import { describe, expect, it } from "vitest";
import { formValues, initialFormState } from "./approval-form-state.ts";

const form: ApprovalForm = {
  type: "object",
  properties: {
    env: { type: "string", enum: ["staging", "prod"] },
    replicas: { type: "integer", minimum: 1, default: 2 },
    notify: { type: "boolean" },
    note: { type: "string" },
  },
  required: ["env"],
};

describe("approval form state", () => {
  it("starts from the defaults and turns typed text into the field types", () => {
    const state = initialFormState(form);
    expect(state).toEqual({ env: "", replicas: "2", notify: false, note: "" });
    expect(formValues("gate", form, { ...state, env: "prod", replicas: "4" })).toEqual({
      ok: true,
      values: { env: "prod", replicas: 4, notify: false },
    });
  });

  it("names each field's problem as the server would, empty text counting as not given", () => {
    expect(formValues("gate", form, { env: "", replicas: "0.5", notify: false, note: "" })).toEqual({
      ok: false,
      errors: { env: ["is required"], replicas: ["must be a whole number"] },
    });
  });
});
