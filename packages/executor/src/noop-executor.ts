import { preflight } from "./attempt-preflight.ts";
import { errorMessage, failedResult, succeededResult } from "./attempt-result.ts";
import type { ExecutionRequest, ExecutionResult } from "./execution.ts";
import { parseJsonOutput } from "./json-output.ts";

/**
 * A task that does nothing and outputs `spec.output`: a string as it is, anything else as JSON text (and
 * as `outputJson`). With `output: json`, a string is parsed like any other task's text output would be.
 */
export async function executeNoop(req: ExecutionRequest): Promise<ExecutionResult> {
  const start = preflight(req, "noop");
  if (!start.ok) return start.result;
  const { startedAt, spec } = start;

  const value = spec.output;
  if (value === null || value === undefined) {
    return succeededResult(startedAt, { exitCode: null, outputText: null, outputJson: null });
  }
  if (typeof value === "string") {
    const output = { exitCode: null, outputText: value, outputJson: null };
    if (req.definition.output !== "json") return succeededResult(startedAt, output);
    const parsed = parseJsonOutput(value.trim());
    if (!parsed.ok) return failedResult(startedAt, "output_parse", parsed.error, output);
    return succeededResult(startedAt, { ...output, outputJson: parsed.json });
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return failedResult(
      startedAt,
      "output_parse",
      `output cannot be written as JSON: ${errorMessage(error)}`,
    );
  }
  if (json === undefined) {
    return failedResult(
      startedAt,
      "output_parse",
      `output cannot be written as JSON: it is a ${typeof value}`,
    );
  }
  return succeededResult(startedAt, { exitCode: null, outputText: json, outputJson: json });
}
