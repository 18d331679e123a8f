import { errorMessage } from "./attempt-result.ts";
import type { CapturedOutput } from "./output-capture.ts";

/**
 * Output parsing for tasks whose `output` is `json`. The stored form is `JSON.stringify` of the parsed
 * value, so equal values from differently formatted output are stored as equal text.
 */

export type JsonParse = { ok: true; json: string } | { ok: false; error: string };

/** Parses `text` as JSON; the error reads `output is not valid JSON: <parser message>`. */
export function parseJsonOutput(text: string, output?: CapturedOutput): JsonParse {
  if (output?.truncated) {
    // Half a document never parses; saying why is more useful than the parser's complaint about the cut.
    return {
      ok: false,
      error: `output is not valid JSON: it was truncated (${output.totalBytes} bytes, over the output limit)`,
    };
  }
  try {
    return { ok: true, json: JSON.stringify(JSON.parse(text)) };
  } catch (error) {
    return { ok: false, error: `output is not valid JSON: ${errorMessage(error)}` };
  }
}
