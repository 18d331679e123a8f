import type { Tokenizer } from "@taskloom/core";
import { termsOf, words } from "./terms.ts";

/**
 * Query-focused extractive summaries. A text is cut into units (headings, list items, table rows and
 * sentences); each unit is scored against the query with BM25 computed over the text's own units, raised
 * for units that match several query terms, carry numbers or named entities, sit under a matching heading
 * or next to a matching unit. The best units that fit are kept in their original order, each with its
 * section heading, and gaps are marked with "…". A unit that shares nothing with the query is never picked
 * for its position: this is not "the first lines".
 */

export interface TextUnit {
  text: string;
  /** Line of the source the unit comes from (units of one line are joined by a space). */
  line: number;
  heading: boolean;
  /** Index of the heading unit this unit sits under, or -1. */
  section: number;
  tokens: number;
  score: number;
}

/** The units of a text with their scores for one query; computed once per item and reused. */
export interface ScoredText {
  units: TextUnit[];
  /** The best unit score (0 when nothing matches the query). */
  top: number;
}

const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Each query term beyond the first that a unit matches multiplies its score by this much more. */
const COVERAGE_BONUS = 0.5;
const NUMBER_BONUS = 0.3;
const ENTITY_BONUS = 0.15;
/** Share of its heading's score a unit inherits, and of its best neighbour's. */
const SECTION_SHARE = 0.3;
const NEIGHBOUR_SHARE = 0.2;
/** Estimated tokens of a separator between kept units (" … " or a newline). */
const SEPARATOR_TOKENS = 2;

const HEADING = /^(#{1,6}\s+\S.*|[A-Z0-9][^.!?]{0,70}:|[A-Z0-9][A-Z0-9 &/,'-]{2,60})$/;
const SENTENCE_END = /(?<=[.!?…])["')\]]*\s+(?=["'([]?[\p{Lu}\p{N}])/u;
const NUMBER = /\d/;
/** A capitalised word that does not open its sentence, or an acronym: a cheap named-entity signal. */
const ENTITY = /(?<=[\p{Ll}\p{N},;:]\s)\p{Lu}[\p{L}\p{N}-]+|\b\p{Lu}{2,}\b/u;

export function scoreText(text: string, query: string, tokenizer: Tokenizer): ScoredText {
  const units = splitUnits(text, tokenizer);
  const queryTerms = new Set(termsOf(query));
  if (units.length === 0 || queryTerms.size === 0) return { units, top: 0 };
  const unitTerms = units.map((unit) => termsOf(unit.text));
  const df = new Map<string, number>();
  for (const terms of unitTerms)
    for (const term of new Set(terms)) if (queryTerms.has(term)) df.set(term, (df.get(term) ?? 0) + 1);
  const avgLength = unitTerms.reduce((sum, terms) => sum + terms.length, 0) / units.length || 1;
  const n = units.length;

  const base = unitTerms.map((terms, i) => {
    const tf = new Map<string, number>();
    for (const term of terms) if (queryTerms.has(term)) tf.set(term, (tf.get(term) ?? 0) + 1);
    if (tf.size === 0) return 0;
    let score = 0;
    for (const [term, count] of tf) {
      const d = df.get(term) ?? 0;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      score +=
        (idf * count * (BM25_K1 + 1)) /
        (count + BM25_K1 * (1 - BM25_B + (BM25_B * terms.length) / avgLength));
    }
    score *= 1 + COVERAGE_BONUS * (tf.size - 1);
    const unit = units[i];
    if (unit && !unit.heading) {
      if (NUMBER.test(unit.text)) score *= 1 + NUMBER_BONUS;
      if (ENTITY.test(unit.text)) score *= 1 + ENTITY_BONUS;
    }
    return score;
  });

  let top = 0;
  for (const [i, unit] of units.entries()) {
    const own = base[i] ?? 0;
    const section = unit.section >= 0 ? (base[unit.section] ?? 0) : 0;
    const sameLine = (j: number) => units[j]?.line === unit.line && !units[j]?.heading;
    const neighbour = Math.max(
      sameLine(i - 1) ? (base[i - 1] ?? 0) : 0,
      sameLine(i + 1) ? (base[i + 1] ?? 0) : 0,
    );
    // Context only raises a unit that has something of its own, or sits right beside a match.
    unit.score = own > 0 || neighbour > 0 ? own + SECTION_SHARE * section + NEIGHBOUR_SHARE * neighbour : 0;
    top = Math.max(top, unit.score);
  }
  return { units, top };
}

export interface SummaryOptions {
  /** Most tokens the summary may take. */
  maxTokens: number;
  /** Units scoring below this share of the best unit are left out. 0 keeps every matching unit. */
  minRelative: number;
}

/**
 * The best-scoring units that fit in `maxTokens`, in source order, joined with "…" where text was left
 * out. Empty when no unit matches the query.
 */
export function summarize(scored: ScoredText, options: SummaryOptions, tokenizer: Tokenizer): string {
  const { units, top } = scored;
  if (top <= 0 || options.maxTokens <= 0) return "";
  const floor = top * options.minRelative;
  const ranked = units
    .map((unit, index) => ({ unit, index }))
    .filter(({ unit }) => unit.score > 0 && unit.score >= floor)
    .sort((a, b) => b.unit.score - a.unit.score || a.index - b.index);

  const chosen = new Set<number>();
  let used = 0;
  for (const { unit, index } of ranked) {
    const needsHeading = unit.section >= 0 && !chosen.has(unit.section);
    const headingCost = needsHeading ? (units[unit.section]?.tokens ?? 0) + SEPARATOR_TOKENS : 0;
    const cost = unit.tokens + SEPARATOR_TOKENS + headingCost;
    if (used + cost > options.maxTokens) continue;
    chosen.add(index);
    if (needsHeading) chosen.add(unit.section);
    used += cost;
  }
  // The estimate can be off by a token or two per join: drop the weakest units until the text truly fits.
  let text = join(units, chosen);
  while (chosen.size > 0 && tokenizer.count(text) > options.maxTokens) {
    const weakest = [...chosen]
      .filter((i) => !units[i]?.heading || chosen.size === 1)
      .sort((a, b) => (units[a]?.score ?? 0) - (units[b]?.score ?? 0) || b - a)[0];
    if (weakest === undefined) break;
    chosen.delete(weakest);
    text = join(units, chosen);
  }
  return text;
}

function join(units: TextUnit[], chosen: Set<number>): string {
  const indexes = [...chosen].sort((a, b) => a - b);
  let text = "";
  let previous = -2;
  for (const index of indexes) {
    const unit = units[index];
    if (!unit) continue;
    if (text !== "") {
      const before = units[previous];
      const sameLine = before?.line === unit.line;
      const adjacent = index === previous + 1;
      text += adjacent ? (sameLine ? " " : "\n") : sameLine ? " … " : "\n…\n";
    } else if (index > 0) {
      text += "…\n";
    }
    text += unit.text;
    previous = index;
  }
  if (text !== "" && previous < units.length - 1) text += "\n…";
  return text;
}

/** Lines; a heading line is one unit, any other line is split into sentences. Blank lines are dropped. */
export function splitUnits(text: string, tokenizer: Tokenizer): TextUnit[] {
  const units: TextUnit[] = [];
  let section = -1;
  for (const [line, raw] of text.split(/\r?\n/).entries()) {
    const trimmed = raw.trim();
    if (trimmed === "" || words(trimmed).length === 0) continue;
    if (HEADING.test(trimmed) && trimmed.length <= 80) {
      section = units.length;
      units.push({
        text: trimmed,
        line,
        heading: true,
        section: -1,
        tokens: tokenizer.count(trimmed),
        score: 0,
      });
      continue;
    }
    for (const sentence of trimmed.split(SENTENCE_END)) {
      const piece = sentence.trim();
      if (piece === "") continue;
      units.push({ text: piece, line, heading: false, section, tokens: tokenizer.count(piece), score: 0 });
    }
  }
  return units;
}
