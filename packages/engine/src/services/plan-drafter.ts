import {
  BadInputError,
  formatPlanIssue,
  type PlanDefinition,
  ProviderRequiredError,
  serializePlan,
  validatePlanObject,
} from "@taskloom/core";
import type { ChatMessage, LlmProvider } from "@taskloom/llm";

/** Longest goal accepted, in characters. */
export const MAX_GOAL_LENGTH = 4000;

/** What the model is told; the plan-file rules themselves are the validator's, quoted back on a repair. */
export const DRAFT_SYSTEM_PROMPT = `You turn a goal into a Taskloom plan: a graph of tasks joined by "requires" links.
Answer with one JSON object and nothing else, in this shape:
{"plan": "<kebab-case-slug>", "name": "<title>", "goal": "<the goal>",
 "tasks": {"<task-key>": {"kind": "shell" | "http" | "noop" | "llm", "name": "<what it does>",
   "run": "<shell command, for kind shell>", "prompt": "<instructions, for kind llm>",
   "url": "<for kind http>", "requires": ["<keys of tasks that must succeed first>"]}}}
Rules: task keys are kebab-case; requires only names keys of this plan and never forms a cycle; use kind llm
for writing, analysis or summarizing (with a prompt), shell for commands, http for requests; 3 to 12 tasks.`;

export interface PlanDraft {
  /** The proposal, validated with the plan-file rules (cycles included). */
  definition: PlanDefinition;
  /** The same as a plan file, ready for `taskloom plan import` or the dashboard's import. */
  yaml: string;
  /** Model requests it took: 1, or 2 when the first answer needed the repair. */
  requests: number;
  model: string;
}

export interface PlanDrafterOptions {
  provider: LlmProvider;
  /** The model asked. Default: the provider's configured model. */
  model?: string;
}

/**
 * "Draft plan from goal": the model proposes a plan as JSON; it is parsed and validated like any plan file
 * (schema, references, cycles). An answer that does not pass gets one repair request quoting the problems;
 * a second failure is a `BadInputError` listing them. Nothing is stored: a person edits and approves the
 * draft, which is then imported like any plan. The dry-run provider cannot draft: `ProviderRequiredError`.
 */
export class PlanDrafter {
  readonly #provider: LlmProvider;
  readonly #model: string | undefined;

  constructor(options: PlanDrafterOptions) {
    this.#provider = options.provider;
    this.#model = options.model;
  }

  /** False with the dry-run provider: the dashboard says a provider is needed instead of offering it. */
  get available(): boolean {
    return !this.#provider.dryRun;
  }

  async draft(goal: string, options: { signal?: AbortSignal } = {}): Promise<PlanDraft> {
    const text = goal.trim();
    if (text === "") throw new BadInputError("the goal is empty: say what the plan should achieve");
    if (text.length > MAX_GOAL_LENGTH) {
      throw new BadInputError(`the goal is ${text.length} characters long; at most ${MAX_GOAL_LENGTH}`);
    }
    if (!this.available) throw new ProviderRequiredError("drafting a plan from a goal");
    const messages: ChatMessage[] = [
      { role: "system", content: DRAFT_SYSTEM_PROMPT },
      { role: "user", content: `Goal: ${text}` },
    ];
    let problems: string[] = [];
    for (let request = 1; request <= 2; request++) {
      const answer = await this.#provider.complete(
        {
          messages,
          ...(this.#model ? { model: this.#model } : {}),
          temperature: 0,
          responseFormat: "json",
          stream: false,
        },
        options.signal ? { signal: options.signal } : {},
      );
      const checked = checkProposal(answer.text);
      if ("definition" in checked) {
        return {
          definition: checked.definition,
          yaml: serializePlan(checked.definition, "yaml"),
          requests: request,
          model: answer.model,
        };
      }
      problems = checked.problems;
      messages.push(
        { role: "assistant", content: answer.text },
        {
          role: "user",
          content: `That plan is not valid:\n${problems.map((p) => `- ${p}`).join("\n")}\nAnswer again with the whole corrected JSON object only.`,
        },
      );
    }
    throw new BadInputError(`the model's plan is not valid after a repair: ${problems.join("; ")}`);
  }
}

/** The answer as a validated plan, or its problems in plan-file wording (`tasks.b.requires: …`, `cycle: …`). */
function checkProposal(answer: string): { definition: PlanDefinition } | { problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(stripFence(answer));
  } catch (error) {
    return {
      problems: [`the answer is not JSON (${error instanceof Error ? error.message : String(error)})`],
    };
  }
  const outcome = validatePlanObject(value);
  return outcome.ok ? { definition: outcome.plan } : { problems: outcome.issues.map(formatPlanIssue) };
}

/** Models often wrap JSON in a Markdown fence even when asked not to. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}
