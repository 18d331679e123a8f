import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox } from "./cli-harness.ts";

let sandbox: CliSandbox;
beforeEach(() => {
  sandbox = new CliSandbox();
});
afterEach(() => {
  sandbox.cleanup();
});

const NOOPS = 400;

describe("taskloom run progress without a terminal, on a large run", () => {
  it("prints periodic summaries and every failure, not a line per state change", async () => {
    const lines = ["plan: large", "tasks:"];
    for (let i = 1; i <= NOOPS; i++) lines.push(`  n${i}:`, "    kind: noop");
    lines.push(
      "  bad1:",
      "    run: exit 3",
      "  bad2:",
      "    run: echo broken >&2; exit 4",
      "  after-bad:",
      "    kind: noop",
      "    requires: [bad1]",
      // Outlasts the first summary period (2 s), so a periodic summary prints before the last one.
      "  slow:",
      "    run: sleep 2.5",
      "",
    );
    const total = NOOPS + 4;
    const result = await sandbox.run(["run", sandbox.write("large.yaml", lines.join("\n")), "-c", "8"]);
    expect(result.code).toBe(1);
    const out = result.stdout.trim().split("\n");

    expect(out.length).toBeLessThan(20);
    expect(out.some((line) => / n1 (running|succeeded)/.test(line))).toBe(false);
    const summaries = out.filter((line) =>
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  \\[\\d+/${total}\\] \\d+ `).test(line),
    );
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries.at(-1)).toContain(`[${total}/${total}] ${NOOPS + 1} succeeded, 2 failed, 1 blocked`);
    // Each failure on its own line as it happened, and again in the recap.
    expect(out.filter((line) => /\] bad1 failed \(.*exit code 3/.test(line))).toHaveLength(1);
    expect(out.filter((line) => /\] bad2 failed \(.*exit code 4/.test(line))).toHaveLength(1);
    expect(out).toContain("failed  bad2: exit code 4: broken");
    expect(out.at(-1)).toMatch(
      new RegExp(`^run run_\\S+ failed in \\S+ \\(${NOOPS + 1} succeeded, 2 failed, 1 blocked\\)$`),
    );
  });
});
