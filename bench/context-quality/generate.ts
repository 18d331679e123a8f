import type { ContextCandidates, ContextTarget } from "@taskloom/context";
import { resolveContextPolicy, seededRandom } from "@taskloom/core";
import type { QualityFact, QualityPlan, SourceId } from "./plans.ts";

/**
 * Turns a plan spec into what the context engine receives: long outputs and documents in which the
 * facts sit deep (past the first half), among filler built from the plan's vocabulary. Fully
 * deterministic (a seeded generator), so every run measures the same texts.
 */

const PEOPLE = ["Dana", "Lee", "Priya", "Marco", "Sofia", "Tom", "Aiko", "Ravi"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const FILLER = [
  "The {a} workstream met on {day} to go over the {b} notes from the previous session.",
  "{person} asked for a clearer owner on the open {a} items before the next review.",
  "Several comments on the {a} draft were resolved, and the rest move to the {b} tracker.",
  "We agreed that the {a} wording needs another pass once the {b} input arrives.",
  "There is no decision yet on how the {a} and the {b} fit together.",
  "The {a} checklist was updated and shared with the wider group on {day}.",
  "A short discussion of the {b} followed, mostly about timing and ownership.",
  "Feedback on the {a} was broadly positive, with minor questions about the format.",
  "The team will revisit the {a} during the planning session in week {n}.",
  "Open questions about the {b} were logged for follow-up by {person}.",
  "{person} noted that the {a} summary from last month is still accurate.",
  "Action items on the {a} were reassigned after the reorganisation.",
  "The {b} page in the wiki now links to the latest {a} material.",
  "Nobody raised concerns about the {a} at this stage.",
  "More detail on the {b} will come in a later update from {person}.",
  "The {a} review slipped by a few days because of holidays.",
  "{person} and {person2} will pair on the {a} questions next week.",
  "The {a} numbers will be refreshed once the {b} export is fixed.",
];

/** Sentences per source kind; at ~20 tokens each: upstreams ≈ 2,400 tokens, siblings ≈ 1,000, docs ≈ 1,400. */
const SIZES = { up: 120, sib: 50, doc: 70 } as const;
const NOISE_SIBLINGS = 6;
const NOISE_DOCUMENTS = 2;

export interface GeneratedPlan {
  candidates: ContextCandidates;
  target: ContextTarget;
  /** The outputs of the target's requires upstreams, in order (what the naive baseline concatenates). */
  upstreamOutputs: string[];
}

export function generatePlan(plan: QualityPlan, budget: number): GeneratedPlan {
  const random = seededRandom(hashString(plan.slug));
  const text = (id: SourceId, title: string, sentences: number) => {
    const facts = plan.gold.filter((fact) => fact.in === id);
    const distractors = plan.distractors.filter((fact) => fact.in === id);
    return sourceText(plan, title, sentences, facts, distractors, random);
  };
  const upstreamOutputs = plan.upstreams.map((u, i) => text(`up${i}`, u.name, SIZES.up));
  const tasks = [
    ...plan.upstreams.map((u, i) => ({ key: u.key, name: u.name, output: upstreamOutputs[i] ?? "" })),
    ...plan.siblings.map((s, i) => ({
      key: s.key,
      name: s.name,
      output: text(`sib${i}`, s.name, SIZES.sib),
    })),
    ...Array.from({ length: NOISE_SIBLINGS }, (_, i) => ({
      key: `side-${i}`,
      name: `Side task ${i}`,
      output: text(`sib${100 + i}`, `Side task ${i}`, SIZES.sib),
    })),
    {
      key: plan.target.key,
      name: plan.target.name,
      output: null,
      requires: plan.upstreams.map((u) => u.key),
    },
  ];
  const documents = [
    ...plan.documents.map((d, i) => ({
      key: d.key,
      title: d.title,
      text: text(`doc${i}`, d.title, SIZES.doc),
    })),
    ...Array.from({ length: NOISE_DOCUMENTS }, (_, i) => ({
      key: `background-${i}`,
      title: `Background ${i}`,
      text: text(`doc${100 + i}`, `Background ${i}`, SIZES.doc),
    })),
  ];
  const notes = Object.entries(plan.notes ?? { audience: "the leadership team" }).map(([key, value]) => ({
    key,
    value,
  }));
  return {
    candidates: { index: plan.index, tasks, documents, notes },
    target: { key: plan.target.key, prompt: plan.target.prompt, policy: resolveContextPolicy({ budget }) },
    upstreamOutputs,
  };
}

function sourceText(
  plan: QualityPlan,
  title: string,
  sentences: number,
  facts: QualityFact[],
  distractors: QualityFact[],
  random: () => number,
): string {
  const lines = Array.from({ length: sentences }, () => filler(plan.nouns, random));
  // Facts past the middle (55–90 %), where truncation loses them; distractors anywhere.
  const placed: Array<{ at: number; sentence: string }> = [
    ...facts.map((fact, i) => ({
      at: Math.floor(sentences * (0.55 + (0.35 * (i + random())) / (facts.length + 1))),
      sentence: fact.sentence,
    })),
    ...distractors.map((fact) => ({ at: Math.floor(sentences * random()), sentence: fact.sentence })),
  ];
  for (const { at, sentence } of placed.sort((a, b) => b.at - a.at)) lines.splice(at, 0, sentence);
  // Paragraphs of four sentences under a few section headings, like a real report.
  const paragraphs: string[] = [];
  for (let i = 0; i < lines.length; i += 4) {
    if (i % 24 === 0) paragraphs.push(`## Part ${i / 24 + 1}`);
    paragraphs.push(lines.slice(i, i + 4).join(" "));
  }
  return `# ${title}\n\n${paragraphs.join("\n\n")}`;
}

function filler(nouns: string[], random: () => number): string {
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)] as T;
  const template = pick(FILLER);
  return template
    .replace("{a}", pick(nouns))
    .replace("{b}", pick(nouns))
    .replace("{person}", pick(PEOPLE))
    .replace("{person2}", pick(PEOPLE))
    .replace("{day}", pick(DAYS))
    .replace("{n}", String(1 + Math.floor(random() * 12)));
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
