import type { BundleItem, ContextBundle, Decision, ItemType } from "./types.ts";

/**
 * The one prompt template. The user message is three sections, always in this order:
 *
 *   # Context        the items by priority, each under `## [ref] title · source · type`
 *                    (the whole section is left out when no item enters)
 *   # Instructions   use faithfully, cite by ref, the order that wins on conflict
 *   # Task: <key>    the task's prompt
 *
 * The budget covers the Context section (headers included); the rest is the prompt's fixed cost.
 * Bump `TEMPLATE_VERSION` on any change to the wording: it is part of every bundle hash.
 */
export const TEMPLATE_VERSION = 1;

export const DEFAULT_SYSTEM_PROMPT =
  "You are a careful assistant completing one task of a Taskloom plan. Ground every statement in the context you are given.";

export const CONTEXT_HEADING =
  "# Context\n\nItems are listed by priority; each is introduced by its reference in brackets.\n\n";

export const INSTRUCTIONS = [
  "# Instructions",
  "",
  "- Use the context faithfully: take facts from it and do not invent facts it does not contain.",
  "- Cite the items you rely on by their reference in brackets, e.g. [task:collect] or [doc:spec].",
  "- When items conflict, trust them in this order: requires > index > pinned > refers > the rest.",
  '- Items marked "excerpt" or "trimmed" are shortened; "…" marks text left out.',
].join("\n");

const TYPE_LABELS: Record<ItemType, string> = {
  index: "plan index",
  "task-output": "task output",
  "task-summary": "task (short form)",
  document: "document",
  note: "note",
};

/** The header line of an item in the prompt. Its cost is part of the item's cost. */
export function itemHeader(
  item: Pick<BundleItem, "ref" | "title" | "source" | "type">,
  decision: Decision,
): string {
  const mark = decision === "summarized" ? " · excerpt" : decision === "trimmed" ? " · trimmed" : "";
  return `## [${item.ref}] ${item.title} · ${item.source} · ${TYPE_LABELS[item.type]}${mark}`;
}

/** One item as it appears in the Context section. */
export function renderItem(
  item: Pick<BundleItem, "ref" | "title" | "source" | "type">,
  decision: Decision,
  body: string,
) {
  return `${itemHeader(item, decision)}\n${body}\n\n`;
}

/** The Context section for items already in prompt order. */
export function renderContext(
  entries: Array<{
    item: Pick<BundleItem, "ref" | "title" | "source" | "type">;
    decision: Decision;
    body: string;
  }>,
) {
  // No items, no section: an empty bundle costs nothing.
  if (entries.length === 0) return "";
  return (
    CONTEXT_HEADING + entries.map((entry) => renderItem(entry.item, entry.decision, entry.body)).join("")
  );
}

/** Everything after the Context section: the instructions, then the task. */
export function renderTaskSection(task: { key: string; prompt: string }): string {
  return `${INSTRUCTIONS}\n\n# Task: ${task.key}\n\n${task.prompt}`;
}

export interface CompiledPrompt {
  system: string;
  user: string;
  /** Ready for `LlmProvider.complete`. */
  messages: [{ role: "system"; content: string }, { role: "user"; content: string }];
  /** The whole prompt as one text: the system message, a blank line, the user message. */
  text: string;
}

/** The messages a task sends: its system prompt, then Context + Instructions + Task. */
export function compilePrompt(
  bundle: Pick<ContextBundle, "contextText">,
  task: { key: string; prompt: string; system?: string | null },
): CompiledPrompt {
  const system = task.system?.trim() ? task.system : DEFAULT_SYSTEM_PROMPT;
  const user = bundle.contextText + renderTaskSection(task);
  return {
    system,
    user,
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    text: `${system}\n\n${user}`,
  };
}
