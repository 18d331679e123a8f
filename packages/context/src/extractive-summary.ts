import { TextMemo, type Tokenizer } from "@taskloom/core";
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
  /** Index terms of the unit (see terms.ts). */
  terms: string[];
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
/** A unit made only of terms that occur in at most `RARE_DF` units of the corpus scores this much more. */
const SPECIFICITY_BONUS = 1;
const RARE_DF = 2;
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

/** Document frequencies of terms over a set of units: one text's, or every candidate's of a bundle. */
export interface TermStats {
  units: number;
  df: Map<string, number>;
}

export function termStats(unitLists: TextUnit[][]): TermStats {
  const df = new Map<string, number>();
  let units = 0;
  for (const list of unitLists) {
    for (const unit of list) {
      units++;
      for (const term of new Set(unit.terms)) df.set(term, (df.get(term) ?? 0) + 1);
    }
  }
  return { units, df };
}

/** Splits and scores one text against a query, with the text's own statistics. */
export function scoreText(text: string, query: string, tokenizer: Tokenizer): ScoredText {
  const units = splitUnits(text, tokenizer);
  return scoreUnits(units, new Set(termsOf(query)), termStats([units]));
}

/**
 * Scores units in place. With the statistics of all candidates of a bundle, scores are comparable across
 * items, which the allocator's global pass relies on.
 */
export function scoreUnits(units: TextUnit[], queryTerms: Set<string>, stats: TermStats): ScoredText {
  if (units.length === 0 || queryTerms.size === 0) return { units, top: 0 };
  const n = Math.max(stats.units, 1);
  const avgLength = units.reduce((sum, unit) => sum + unit.terms.length, 0) / units.length || 1;
  const idf = (term: string) => {
    const d = stats.df.get(term) ?? 0;
    return Math.log(1 + (n - d + 0.5) / (d + 0.5));
  };

  const base = units.map((unit) => {
    const tf = new Map<string, number>();
    for (const term of unit.terms) if (queryTerms.has(term)) tf.set(term, (tf.get(term) ?? 0) + 1);
    if (tf.size === 0) return 0;
    let score = 0;
    for (const [term, count] of tf) {
      score +=
        (idf(term) * count * (BM25_K1 + 1)) /
        (count + BM25_K1 * (1 - BM25_B + (BM25_B * unit.terms.length) / avgLength));
    }
    score *= 1 + COVERAGE_BONUS * (tf.size - 1);
    if (!unit.heading) {
      if (NUMBER.test(unit.text)) score *= 1 + NUMBER_BONUS;
      if (ENTITY.test(unit.text)) score *= 1 + ENTITY_BONUS;
      // Specific wording (terms rare in the corpus) carries information; boilerplate repeats itself.
      const rare = unit.terms.filter((term) => (stats.df.get(term) ?? 0) <= RARE_DF).length;
      if (unit.terms.length > 0) score *= 1 + SPECIFICITY_BONUS * (rare / unit.terms.length);
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
  const chosen = selectUnits(scored, options, new Set());
  return fitChosen(scored.units, chosen, options.maxTokens, tokenizer);
}

/**
 * Adds the best units not yet in `chosen` (each with its section heading) while the estimate stays
 * within `maxTokens`. Returns the grown set (a new set; `chosen` is not changed).
 */
export function selectUnits(
  scored: ScoredText,
  options: SummaryOptions,
  chosen: ReadonlySet<number>,
): Set<number> {
  const { units, top } = scored;
  const result = new Set(chosen);
  if (top <= 0 || options.maxTokens <= 0) return result;
  const floor = top * options.minRelative;
  const ranked = units
    .map((unit, index) => ({ unit, index }))
    .filter(({ unit, index }) => unit.score > 0 && unit.score >= floor && !result.has(index))
    .sort((a, b) => b.unit.score - a.unit.score || a.index - b.index);
  let used = estimateTokens(units, result);
  for (const { index } of ranked) {
    const cost = addCost(units, result, index);
    if (used + cost > options.maxTokens) continue;
    addUnit(units, result, index);
    used += cost;
  }
  return result;
}

/** Estimated tokens a unit adds to a summary: itself, a separator, and its heading when not yet in. */
export function addCost(units: TextUnit[], chosen: ReadonlySet<number>, index: number): number {
  const unit = units[index];
  if (!unit || chosen.has(index)) return 0;
  const needsHeading = unit.section >= 0 && !chosen.has(unit.section);
  return (
    unit.tokens +
    SEPARATOR_TOKENS +
    (needsHeading ? (units[unit.section]?.tokens ?? 0) + SEPARATOR_TOKENS : 0)
  );
}

export function addUnit(units: TextUnit[], chosen: Set<number>, index: number): void {
  chosen.add(index);
  const section = units[index]?.section ?? -1;
  if (section >= 0) chosen.add(section);
}

function estimateTokens(units: TextUnit[], chosen: ReadonlySet<number>): number {
  let total = 0;
  for (const index of chosen) total += (units[index]?.tokens ?? 0) + SEPARATOR_TOKENS;
  return total;
}

/**
 * The chosen units rendered, within `maxTokens` for real: the estimate can be off by a token or two per
 * join, so the weakest units are dropped until the text fits. Changes `chosen` accordingly.
 */
export function fitChosen(
  units: TextUnit[],
  chosen: Set<number>,
  maxTokens: number,
  tokenizer: Tokenizer,
): string {
  let text = renderUnits(units, chosen);
  while (chosen.size > 0 && tokenizer.count(text) > maxTokens) {
    const weakest = [...chosen]
      .filter((i) => !units[i]?.heading || chosen.size === 1)
      .sort((a, b) => (units[a]?.score ?? 0) - (units[b]?.score ?? 0) || b - a)[0];
    if (weakest === undefined) break;
    chosen.delete(weakest);
    // A heading left alone says nothing.
    for (const i of [...chosen])
      if (units[i]?.heading && ![...chosen].some((j) => units[j]?.section === i)) chosen.delete(i);
    text = renderUnits(units, chosen);
  }
  return text;
}

/** Chosen units in source order; "…" marks every gap. */
export function renderUnits(units: TextUnit[], chosen: ReadonlySet<number>): string {
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

/**
 * Split texts per tokenizer, remembered by content: the same outputs are split for every bundle of a plan,
 * and splitting (sentence rules, terms, a token count per unit) is most of a summary's cost.
 */
const splits = new WeakMap<Tokenizer, TextMemo<readonly TextUnit[]>>();

/**
 * Lines; a heading line is one unit, any other line is split into sentences. Blank lines are dropped.
 * Returns fresh units (scores at 0) that the caller may score in place.
 */
export function splitUnits(text: string, tokenizer: Tokenizer): TextUnit[] {
  let memo = splits.get(tokenizer);
  if (!memo) {
    memo = new TextMemo((source) => split(source, tokenizer), { minLength: 0, maxChars: 16_000_000 });
    splits.set(tokenizer, memo);
  }
  return memo.get(text).map((unit) => ({ ...unit, score: 0 }));
}

function split(text: string, tokenizer: Tokenizer): TextUnit[] {
  const units: TextUnit[] = [];
  let section = -1;
  for (const [line, raw] of text.split(/\r?\n/).entries()) {
    const trimmed = raw.trim();
    if (trimmed === "" || words(trimmed).length === 0) continue;
    if (HEADING.test(trimmed) && trimmed.length <= 80) {
      section = units.length;
      units.push(unit(trimmed, line, true, -1, tokenizer));
      continue;
    }
    for (const sentence of trimmed.split(SENTENCE_END)) {
      const piece = sentence.trim();
      if (piece === "") continue;
      units.push(unit(piece, line, false, section, tokenizer));
    }
  }
  return units;
}

function unit(text: string, line: number, heading: boolean, section: number, tokenizer: Tokenizer): TextUnit {
  return { text, line, heading, section, tokens: tokenizer.count(text), terms: termsOf(text), score: 0 };
}
