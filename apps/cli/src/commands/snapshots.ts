import type { AttemptSnapshotView, Taskloom } from "@taskloom/engine";
import type { Command } from "commander";
import type { CliContext } from "../cli-context.ts";
import { withEngine } from "./context.ts";
import { cliActor } from "./operator-input.ts";
import { parsePositiveInt } from "./option-parsers.ts";

/** A run id or a unique prefix of one, as the other run commands take it. */
async function runIdOf(taskloom: Taskloom, id: string): Promise<string> {
  return (await taskloom.queries.resolveRunId(id)) ?? id;
}

/** The text form of `snapshots show`: the hash, the tokens, each item with its decision, the approval. */
function describeAttempt(view: AttemptSnapshotView): string {
  const { snapshot, approval } = view;
  const lines = [
    `snapshot ${snapshot.hash} (attempt ${view.attempt}, built for ${snapshot.model}): ${snapshot.usedTokens} of ${snapshot.budget} tokens${view.dryRun ? " — dry run" : ""}`,
    ...snapshot.items.map(
      (item) => `  ${item.ref}  ${item.tier}  ${item.decision}  ${item.tokens} tokens  (${item.reason})`,
    ),
  ];
  if (view.usage) lines.push(`usage: ${view.usage.promptTokens} in, ${view.usage.completionTokens} out`);
  if (view.replayOf) lines.push(`replay of run ${view.replayOf.runId} attempt ${view.replayOf.attempt}`);
  if (approval?.used) lines.push(`sent the approved context ${approval.hash.slice(0, 12)}`);
  if (approval && !approval.used) {
    lines.push(
      `approval ${approval.hash.slice(0, 12)} was stale: the inputs changed, the current bundle was sent`,
    );
  }
  return lines.join("\n");
}

/**
 * `taskloom snapshots show|diff|replay`: what an llm attempt saw, what it saw differently in two runs, and a
 * run that sends one attempt's stored snapshot again.
 */
export function registerSnapshotsCommand(program: Command, context: CliContext): void {
  const command = program.command("snapshots").description("context snapshots of llm attempts");
  command
    .command("show")
    .description("the context snapshot an llm attempt sent: items, decisions, tokens, the messages (--json)")
    .argument("<run>", "run id or unique prefix")
    .requiredOption("--task <key>", "the llm task")
    .option("--attempt <n>", "the attempt (default: the last that stored a snapshot)", parsePositiveInt)
    .option("--json", "print the attempt's snapshot, messages included, as one JSON document")
    .action((run: string, flags: { task: string; attempt?: number; json?: boolean }) =>
      withEngine(context, async (taskloom) => {
        const view = await taskloom.snapshots.attempt(
          await runIdOf(taskloom, run),
          flags.task,
          flags.attempt,
        );
        context.stdout.write(flags.json ? `${JSON.stringify(view)}\n` : `${describeAttempt(view)}\n`);
      }),
    );
  command
    .command("replay")
    .description(
      "start a run in which the task alone runs again (the rest reused), sending exactly this attempt's stored snapshot",
    )
    .argument("<run>", "run id or unique prefix")
    .requiredOption("--task <key>", "the llm task")
    .option("--attempt <n>", "the attempt (default: the last that stored a snapshot)", parsePositiveInt)
    .action((run: string, flags: { task: string; attempt?: number }) =>
      withEngine(context, async (taskloom) => {
        const runId = await runIdOf(taskloom, run);
        const source = await taskloom.snapshots.attempt(runId, flags.task, flags.attempt);
        const replay = await taskloom.snapshots.replay(runId, flags.task, source.attempt, cliActor());
        context.stdout.write(
          `${replay.runId}\nqueued: ${flags.task} sends snapshot ${replay.hash.slice(0, 12)}; a worker (taskloom start or worker) runs it, or: taskloom run --resume ${replay.runId}\n`,
        );
      }),
    );
  command
    .command("diff")
    .description("compare the context an llm task got in two runs (their last attempts)")
    .argument("<runA>", "run id or unique prefix")
    .argument("<runB>", "run id or unique prefix")
    .requiredOption("--task <key>", "the llm task")
    .option("--json", "print the diff as one JSON document")
    .action((runA: string, runB: string, flags: { task: string; json?: boolean }) =>
      withEngine(context, async (taskloom) => {
        const [a, b] = await Promise.all([runA, runB].map((id) => runIdOf(taskloom, id)));
        const diff = await taskloom.context.diffRuns(a ?? runA, b ?? runB, flags.task);
        if (flags.json) {
          context.stdout.write(`${JSON.stringify(diff)}\n`);
          return;
        }
        const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
        const lines = [
          diff.identical
            ? `identical: both runs used snapshot ${diff.a.slice(0, 12)}`
            : `snapshot ${diff.a.slice(0, 12)} → ${diff.b.slice(0, 12)}: budget ${diff.budget.before} → ${diff.budget.after}, used ${diff.usedTokens.before} → ${diff.usedTokens.after} tokens${diff.promptChanged ? ", prompt changed" : ""}`,
          ...diff.added.map(
            (item) => `+ ${item.ref} (${item.tier}, ${item.tokens} tokens, ${item.decision})`,
          ),
          ...diff.removed.map(
            (item) => `- ${item.ref} (${item.tier}, ${item.tokens} tokens, ${item.decision})`,
          ),
          ...diff.changed.map(
            (item) =>
              `~ ${item.ref}: ${item.changes.join(", ")} (${item.before.decision} → ${item.after.decision}, ${signed(item.tokenDelta)} tokens)`,
          ),
        ];
        context.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
}
