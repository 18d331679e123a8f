import { buildCli, type CliEndToEnd, cliMemoryRows, measureCliEndToEnd } from "./cli-end-to-end.ts";
import { formatTable } from "./report.ts";

/**
 * `pnpm bench:cli-memory`: the peak-RSS check of `pnpm bench` on its own (a few minutes instead of the whole
 * bench): `taskloom run` and `taskloom worker -c 64` of the 20,000-task flat plan, three times each, against
 * the target. Exits 1 when a repetition goes over it. Not part of `pnpm test`: it runs real processes for a
 * minute or two and reads the machine's memory accounting, which is a measurement, not a unit's behaviour.
 */
const TASKS = 20_000;
const CONCURRENCY = 64;
const REPEATS = 3;

async function main(): Promise<void> {
  buildCli();
  const clis: CliEndToEnd[] = [];
  for (let repeat = 1; repeat <= REPEATS; repeat++) {
    process.stderr.write(`taskloom run / worker -c ${CONCURRENCY}, flat ${TASKS} (${repeat}/${REPEATS})…\n`);
    clis.push(await measureCliEndToEnd(TASKS, CONCURRENCY));
  }
  const rows = cliMemoryRows(clis);
  console.log(formatTable(rows));
  const missed = rows.filter((row) => row.pass === false).length;
  console.log(missed === 0 ? "peak RSS within the target" : `${missed} peak RSS target(s) missed`);
  if (missed > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
