import fs from "node:fs";
import os from "node:os";
import { BadInputError, TaskloomError } from "@taskloom/core";

/** The audit trail's actor of a CLI action: `cli:<login>` (`cli` when the login cannot be read). */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return "cli";
  }
}

/**
 * An operator action the state refuses (an illegal action, a conflict, an unknown run or task) is the
 * caller's input to fix: the CLI exits 2 with the same one-line message, like any other bad input.
 */
export async function asInvalidInput<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (
      error instanceof TaskloomError &&
      ["ILLEGAL_TRANSITION", "CONFLICT", "NOT_FOUND"].includes(error.code)
    ) {
      throw new BadInputError(error.message);
    }
    throw error;
  }
}

/** `--output TEXT` or `--output-file PATH` (`-` reads stdin), not both; null when neither is given. */
export function readOutputFlag(flags: { output?: string; outputFile?: string }): string | null {
  if (flags.output !== undefined && flags.outputFile !== undefined) {
    throw new BadInputError("give either --output or --output-file, not both");
  }
  if (flags.outputFile === undefined) return flags.output ?? null;
  try {
    return fs.readFileSync(flags.outputFile === "-" ? 0 : flags.outputFile, "utf8").replace(/\n$/, "");
  } catch (error) {
    throw new BadInputError(`cannot read --output-file ${flags.outputFile}: ${(error as Error).message}`);
  }
}
