import { BadInputError } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";
import { iso, table } from "../format.ts";
import { asInvalidInput, cliActor } from "./operator-input.ts";
import { collectParam } from "./option-parsers.ts";

interface ApproveFlags {
  reject?: boolean;
  comment?: string;
  input: Record<string, string>;
  inputJson?: string;
  json?: boolean;
}

/** `--input-json '{…}'`: an object of form values. */
function parseInputJson(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`--input-json is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BadInputError("--input-json must be a JSON object of form values, e.g. '{\"replicas\": 3}'");
  }
  return parsed as Record<string, unknown>;
}

export function registerApproveCommand(program: Command, context: CliContext): void {
  program
    .command("approve")
    .description(
      "approve (or --reject) an approval task that waits; the form's values become its output, in the audit trail with you",
    )
    .argument("<run>", "run id (a unique prefix is enough)")
    .argument("<task>", "task key of the approval")
    .option("--reject", "reject instead: the task fails (reason `rejected`) and its dependents are blocked")
    .option("--comment <text>", "why (shown in the audit trail, and in a rejection's error)")
    .option("--input <key=value>", "a form value, read as the field's type (repeatable)", collectParam, {})
    .option("--input-json <json>", "the form values as one JSON object (instead of --input)")
    .option("--json", "print the decision as JSON")
    .action((runId: string, taskKey: string, flags: ApproveFlags) =>
      runCommand(context, async () => {
        const texts = flags.input;
        if (flags.inputJson !== undefined && Object.keys(texts).length > 0) {
          throw new BadInputError("give either --input or --input-json, not both");
        }
        const values = flags.inputJson === undefined ? {} : parseInputJson(flags.inputJson);
        const taskloom = await context.open();
        try {
          const result = await asInvalidInput(() =>
            taskloom.approvals.decide({
              runId,
              taskKey,
              decision: flags.reject ? "reject" : "approve",
              actor: cliActor(),
              comment: flags.comment ?? null,
              values,
              texts,
            }),
          );
          if (flags.json) {
            context.stdout.write(`${JSON.stringify({ runId, taskKey, ...result })}\n`);
          } else {
            const verb = flags.reject ? "rejected" : "approved";
            const shown =
              result.values && Object.keys(result.values).length > 0
                ? ` with ${JSON.stringify(result.values)}`
                : "";
            context.stdout.write(`${verb}: task ${taskKey} is ${result.status}${shown}\n`);
          }
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );

  program
    .command("approvals")
    .description("approval tasks waiting for a decision, across runs, oldest first")
    .option("--run <id>", "only this run's (a unique prefix is enough)")
    .option("--json", "print JSON (with each approval's prompt and form)")
    .action((flags: { run?: string; json?: boolean }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const list = await asInvalidInput(() =>
            taskloom.approvals.list(flags.run === undefined ? {} : { runId: flags.run }),
          );
          if (flags.json) {
            context.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
            return 0;
          }
          if (list.length === 0) {
            context.stdout.write("no approvals waiting\n");
            return 0;
          }
          const rows = [["RUN", "PLAN", "TASK", "WAITING SINCE", "TIMEOUT", "PROMPT"]];
          for (const approval of list) {
            rows.push([
              approval.runId,
              approval.planSlug,
              approval.taskKey,
              iso(approval.waitingSince) ?? "",
              approval.deadline === null ? "none" : `${iso(approval.deadline)} (${approval.onTimeout})`,
              approval.prompt ?? "",
            ]);
          }
          context.stdout.write(`${table(rows)}\n`);
          return 0;
        } finally {
          await taskloom.close();
        }
      }),
    );
}
