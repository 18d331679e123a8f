import { resolveContextPolicy } from "@taskloom/core";
import type { ContextCandidates, ContextTarget } from "../types.ts";

/** A plan and a task used by the determinism test in this process and in a child process alike. */
export function determinismFixture(): { candidates: ContextCandidates; target: ContextTarget } {
  const long = (seed: number) =>
    Array.from(
      { length: 60 },
      (_, i) =>
        `Line ${i} of output ${seed}: revenue ${(seed * 37 + i * 11) % 97} units in region R${i % 7}.`,
    ).join("\n");
  return {
    candidates: {
      index: "# INDEX\nQuarterly revenue review for the regions.",
      tasks: [
        ...Array.from({ length: 30 }, (_, i) => ({ key: `t${i}`, name: `Task ${i}`, output: long(i) })),
        { key: "report", output: null, requires: ["t1", "t2", "t3"], refers: ["t4"] },
      ],
      documents: [
        { key: "glossary", title: "Glossary", text: "Revenue: money from sales. Region R3 is the north." },
      ],
      notes: [{ key: "tone", value: "plain" }],
    },
    target: {
      key: "report",
      prompt: "Report revenue for region R3 and the north with the numbers.",
      policy: resolveContextPolicy({ budget: 900 }),
      pins: ["doc:glossary"],
      excludes: ["t5"].map((k) => `task:${k}`),
    },
  };
}
