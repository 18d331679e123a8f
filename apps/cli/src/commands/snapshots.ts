import type { Command } from "commander";
import type { CliContext } from "../cli-context.ts";
import { withEngine } from "./context.ts";

/** `taskloom snapshots diff RUN_A RUN_B --task KEY [--json]`: what an llm task saw differently. */
export function registerSnapshotsCommand(program: Command, context: CliContext): void {
  const command = program.command("snapshots").description("context snapshots of llm attempts");
  command
    .command("diff")
    .description("compare the context an llm task got in two runs (their last attempts)")
    .argument("<runA>", "run id or unique prefix")
    .argument("<runB>", "run id or unique prefix")
    .requiredOption("--task <key>", "the llm task")
    .option("--json", "print the diff as one JSON document")
    .action((runA: string, runB: string, flags: { task: string; json?: boolean }) =>
      withEngine(context, async (taskloom) => {
        const [a, b] = await Promise.all([runA, runB].map((id) => taskloom.queries.resolveRunId(id)));
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
