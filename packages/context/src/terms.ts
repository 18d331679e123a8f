import { stemmer } from "stemmer";

/**
 * Words → index terms, shared by retrieval (the BM25 index) and the extractive summarizer so that both agree
 * on what "a query term occurs in this text" means: lowercased, stop words and prompt verbs removed, and
 * Porter-stemmed so `enrolled`, `enrolment` and `enrol` meet.
 */

/** English function words, plus the instruction words prompts are made of ("write a brief that lists…"). */
const STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between " +
    "both but by can could did do does doing down during each few for from further had has have having he her " +
    "here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not " +
    "now of off on once only or other our ours ourselves out over own same she should so some such than that " +
    "the their theirs them themselves then there these they this those through to too under until up very was " +
    "we were what when where which while who whom why will with would you your yours yourself yourselves " +
    "also may might must shall us per via etc " +
    // Prompt verbs and nouns: they say what to do with the context, not what to look for in it.
    "write draft produce create give make provide prepare compose summarize summarise summary describe explain " +
    "list include including use using based answer report brief briefly page one-page short concise please task " +
    "tasks output outputs document documents note notes context section paragraph paragraphs bullet bullets " +
    "mention state cite source sources following below above"
  ).split(" "),
);

/** Splits on anything that is not a letter, a digit or `.%$€£-` inside a word. */
const WORD = /[\p{L}\p{N}]+(?:[.,%$€£'’-][\p{L}\p{N}]+)*%?/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Stemming is the hot spot of indexing; words repeat, so their terms are remembered (bounded). */
const TERM_CACHE_LIMIT = 200_000;
const termCache = new Map<string, string | null>();

/** The index term of one word, or null for a stop word. Numbers are kept as written (`4.2%`, `2026`). */
export function termOf(word: string): string | null {
  const cached = termCache.get(word);
  if (cached !== undefined) return cached;
  const term = computeTerm(word);
  if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
  termCache.set(word, term);
  return term;
}

function computeTerm(word: string): string | null {
  const lower = word.toLowerCase().replace(/[’']s$/, "");
  if (lower.length === 0 || STOP_WORDS.has(lower)) return null;
  if (/\d/.test(lower)) return lower;
  return stemmer(lower);
}

export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const term = termOf(word);
    if (term !== null) out.push(term);
  }
  return out;
}
