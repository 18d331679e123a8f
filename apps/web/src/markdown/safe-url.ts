/**
 * The links an INDEX document may make: http, https and mailto URLs, same-page anchors, and relative paths
 * that stay on this site. Browsers drop tabs and newlines inside URLs and read `\` as `/`, so `/\evil.example`
 * or `/\t/evil.example` would leave the site: a URL holding a control character or a backslash is refused,
 * and a relative one must resolve to this origin.
 */
const ALLOWED_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** Any origin will do: a relative URL is resolved against it only to see whether it stays there. */
const PROBE = "http://taskloom.invalid/plans/";

function hasControlOrBackslash(url: string): boolean {
  for (const character of url) {
    const code = character.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || character === "\\") return true;
  }
  return false;
}

/** The URL with its percent-escapes decoded (the Markdown parser encodes `\` and tabs as `%5C`, `%09`). */
function decoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** `url` when a link may point there, undefined when it may not (the link is then rendered without one). */
export function safeHref(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed === "" || hasControlOrBackslash(trimmed) || hasControlOrBackslash(decoded(trimmed))) {
    return undefined;
  }
  if (SCHEME.test(trimmed)) {
    try {
      return ALLOWED_SCHEMES.has(new URL(trimmed).protocol) ? trimmed : undefined;
    } catch {
      return undefined;
    }
  }
  if (trimmed.startsWith("//")) return undefined;
  try {
    return new URL(trimmed, PROBE).origin === new URL(PROBE).origin ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a (safe) link leaves the page's site: those open in a new tab. */
export function isExternalHref(href: string): boolean {
  return SCHEME.test(href);
}
