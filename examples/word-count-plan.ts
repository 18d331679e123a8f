// examples/word-count.yaml defined in code: the same model and the same validation as the plan file.
//   pnpm taskloom run examples/word-count-plan.ts --register examples/word-count-tasks.ts
import { definePlan } from "@taskloom/sdk";
import { countWords, topWords } from "./word-count-tasks.ts";

export default definePlan({
  plan: "word-count-code",
  goal: "Count the words of a text with TypeScript handlers, then report the most frequent ones",
  params: { text: "the quick brown fox jumps over the lazy dog and the dog sleeps" },
  tasks: {
    count: {
      kind: "function",
      handler: countWords, // or its name, "count-words"
      input: { text: "{{params.text}}" },
      retries: { max: 2, delay: "1s" },
      timeout: "30s",
    },
    top: { kind: "function", handler: topWords, requires: ["count"], input: { n: 3 } },
    report: { requires: ["top"], run: 'echo "most frequent: {{tasks.top.output}}"' },
  },
});
