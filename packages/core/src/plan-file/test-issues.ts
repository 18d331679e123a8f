import { PlanValidationError } from "../errors.ts";
import { parsePlanText } from "./validate.ts";

/** The issues of a plan file as `path: message` lines (none for a valid one); for the field tests. */
export function issueLines(source: string): string[] {
  try {
    parsePlanText(source);
  } catch (error) {
    if (error instanceof PlanValidationError)
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}
