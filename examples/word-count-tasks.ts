// The handlers of examples/word-count.yaml. A worker runs them in its own process:
//   pnpm taskloom worker --register examples/word-count-tasks.ts
import { defineTask } from "@taskloom/sdk";

/** Counts each word of `text`, ignoring case and punctuation: `{ "the": 3, "dog": 2, … }`. */
export const countWords = defineTask("count-words", async (input: { text: string }, ctx) => {
  const counts: Record<string, number> = {};
  for (const word of input.text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
    if (ctx.signal.aborted) throw new Error("cancelled");
    counts[word] = (counts[word] ?? 0) + 1;
  }
  ctx.log.info("counted %d distinct words", Object.keys(counts).length);
  return counts; // the task's output (JSON)
});

/** The `n` most frequent words of the upstream `count`, as one line: `the (3), dog (2), …`. */
export const topWords = defineTask("top-words", async (input: { n: number }, ctx) => {
  const counts = ctx.outputs.count as Record<string, number> | null;
  if (!counts) throw new Error("`top-words` needs the output of a `count` task it requires");
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, input.n)
    .map(([word, n]) => `${word} (${n})`)
    .join(", ");
});
