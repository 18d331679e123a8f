import { isTerminalTaskRunStatus } from "@taskloom/core";
import type { Command } from "commander";
import { type CliContext, runCommand } from "../cli-context.ts";

/** How often `--follow` looks for new output, in ms. */
const FOLLOW_POLL_MS = 200;

export function registerLogsCommand(program: Command, context: CliContext): void {
  program
    .command("logs")
    .description("print a task's captured output (stdout to stdout, stderr and system lines to stderr)")
    .argument("<runId>", "run id (a unique prefix is enough)")
    .argument("<taskKey>", "task key")
    .option("-f, --follow", "keep printing new output until the task finishes")
    .action((runIdOrPrefix: string, taskKey: string, flags: { follow?: boolean }) =>
      runCommand(context, async () => {
        const taskloom = await context.open();
        try {
          const runId = await taskloom.queries.resolveRunId(runIdOrPrefix);
          let afterSeq = 0;
          let lastAttempt = 0;
          for (;;) {
            const page = await taskloom.queries.readLogs({ runId, taskKey, afterSeq, limit: 1000 });
            for (const chunk of page.chunks) {
              if (chunk.attempt !== lastAttempt && lastAttempt !== 0) {
                context.stderr.write(`--- attempt ${chunk.attempt} ---\n`);
              }
              lastAttempt = chunk.attempt;
              if (chunk.stream === "stdout") context.stdout.write(chunk.text);
              else if (chunk.stream === "stderr") context.stderr.write(chunk.text);
              else context.stderr.write(`[taskloom] ${chunk.text}${chunk.text.endsWith("\n") ? "" : "\n"}`);
              afterSeq = chunk.seq;
            }
            if (page.chunks.length === 1000) continue;
            if (!flags.follow || isTerminalTaskRunStatus(page.status)) return 0;
            await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
          }
        } finally {
          await taskloom.close();
        }
      }),
    );
}
