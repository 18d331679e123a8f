/** One piece of a line, marked when it is a match of the search. */
export interface HighlightPart {
  text: string;
  match: boolean;
}

/** Splits `text` around every occurrence of `query`, ignoring case (as the server's search does). */
export function highlightParts(text: string, query: string): HighlightPart[] {
  if (query === "") return [{ text, match: false }];
  const parts: HighlightPart[] = [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  let from = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}

/** The lines of some log chunks that contain the query, with where each came from. */
export function matchingLines(
  chunks: readonly { seq: number; attempt: number; text: string }[],
  query: string,
): { key: string; attempt: number; line: string }[] {
  const needle = query.toLowerCase();
  return chunks.flatMap((chunk) =>
    chunk.text
      .split("\n")
      .map((line, index) => ({ key: `${chunk.seq}:${index}`, attempt: chunk.attempt, line }))
      .filter(({ line }) => line.toLowerCase().includes(needle)),
  );
}
