import { RetrievalIndex, termsOf } from "@taskloom/context";

/**
 * "Add any item": a search over what a task's context can draw from (the INDEX, every document, every note,
 * every other task's output), so a person can pin an item the allocator did not pick. Ranked by a match
 * of the ref or title first, then BM25 over the texts (the same index retrieval uses).
 */

export type SearchableItemType = "index" | "task" | "document" | "note";

export interface SearchableItem {
  ref: string;
  type: SearchableItemType;
  title: string;
  /** The text the item would bring (a task's latest output, "" when it has none yet). */
  text: string;
}

export interface ItemSearchHit {
  ref: string;
  type: SearchableItemType;
  title: string;
  /** A short piece of the text, around the first query word it holds; "" when there is no text. */
  snippet: string;
  /** False for a task that has no output yet: pinning it brings nothing until it has run. */
  hasText: boolean;
}

/** Characters of text a hit shows. */
export const SNIPPET_LENGTH = 160;

/**
 * The items matching `query`, best first, at most `limit`. An empty query lists every item (INDEX,
 * documents, notes, then tasks, each in the given order), so the box shows what can be added at all.
 */
export function searchItems(items: readonly SearchableItem[], query: string, limit: number): ItemSearchHit[] {
  const needle = query.trim().toLowerCase();
  const byRef = new Map(items.map((item) => [item.ref, item]));
  const order: SearchableItemType[] = ["index", "document", "note", "task"];
  const listed = (list: SearchableItem[]) =>
    [...list].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  if (needle === "")
    return listed([...items])
      .slice(0, limit)
      .map((item) => hitOf(item, []));

  const named = listed(
    items.filter(
      (item) => item.ref.toLowerCase().includes(needle) || item.title.toLowerCase().includes(needle),
    ),
  );
  const index = new RetrievalIndex(
    items.filter((item) => item.text !== "").map(({ ref, title, text }) => ({ ref, title, text })),
  );
  const seen = new Set(named.map((item) => item.ref));
  const found = index
    .bm25(query, (ref) => !seen.has(ref))
    .map((ref) => byRef.get(ref))
    .filter((item): item is SearchableItem => item !== undefined);
  const words = termsOf(query);
  return [...named, ...found].slice(0, limit).map((item) => hitOf(item, words));
}

function hitOf(item: SearchableItem, words: readonly string[]): ItemSearchHit {
  return {
    ref: item.ref,
    type: item.type,
    title: item.title,
    snippet: snippetOf(item.text, words),
    hasText: item.text !== "",
  };
}

/** The text around the first of `words` it contains (by their stems), else its start; one line. */
export function snippetOf(text: string, words: readonly string[]): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= SNIPPET_LENGTH) return flat;
  const lower = flat.toLowerCase();
  const at = words
    .map((word) => lower.indexOf(word))
    .filter((position) => position >= 0)
    .reduce((first, position) => Math.min(first, position), Number.POSITIVE_INFINITY);
  const start = Number.isFinite(at) ? Math.max(0, at - SNIPPET_LENGTH / 4) : 0;
  const piece = flat.slice(start, start + SNIPPET_LENGTH);
  return `${start > 0 ? "…" : ""}${piece}${start + SNIPPET_LENGTH < flat.length ? "…" : ""}`;
}
