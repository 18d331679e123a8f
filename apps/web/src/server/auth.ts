import "server-only";

export { isAllowedHost, isAuthorized, presentedToken, TOKEN_COOKIE, tokenMatches } from "./request-access.ts";

/**
 * Whether a state-changing request comes from another site. A page elsewhere could otherwise make the
 * browser POST to a Taskloom on localhost and start shell tasks; the cookie is SameSite=Strict, but with no
 * token configured there is no cookie to withhold. Browsers send `Sec-Fetch-Site`; older ones `Origin`.
 */
export function isCrossSiteRequest(headers: Headers, requestUrl: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site !== "same-origin" && site !== "none";
  const origin = headers.get("origin");
  if (origin === null || origin === "null") return origin === "null";
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? new URL(requestUrl).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

const HOME = "/plans";
/** Any origin will do: `next` is resolved against it only to see whether it stays there. */
const PROBE_ORIGIN = "http://taskloom.invalid";

/**
 * A same-origin path to go back to after login; anything else goes home. Browsers drop tabs and newlines
 * from URLs and read `\` as `/`, so `/\t/evil.example` would become `//evil.example`: a `next` holding any
 * control character or backslash is refused outright, and what is left must resolve to this origin.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//")) return HOME;
  for (const character of next) {
    const code = character.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || character === "\\") return HOME;
  }
  let url: URL;
  try {
    url = new URL(next, PROBE_ORIGIN);
  } catch {
    return HOME;
  }
  if (url.origin !== PROBE_ORIGIN) return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Whether the browser reached us over HTTPS: the request URL says so, or, only when a proxy is trusted
 * (`TASKLOOM_TRUST_PROXY`), the first `X-Forwarded-Proto` it set.
 */
export function isHttpsRequest(request: { url: string; headers: Headers }, trustProxy: boolean): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  if (!trustProxy) return false;
  return request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}
