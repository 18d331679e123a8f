import { createHash, timingSafeEqual } from "node:crypto";
import "server-only";

export const TOKEN_COOKIE = "taskloom_token";

/** Compares digests, not the strings: equal length and constant time whatever the guess. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = createHash("sha256").update(candidate).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}

function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The token a request presents: the login cookie, or `Authorization: Bearer` for scripts. */
export function presentedToken(headers: Headers): string | null {
  const authorization = headers.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return bearer ?? cookieValue(headers.get("cookie"), TOKEN_COOKIE);
}

/** Whether a request may use Taskloom: always when no token is configured. */
export function isAuthorized(headers: Headers, token: string | undefined): boolean {
  return token === undefined || tokenMatches(presentedToken(headers), token);
}

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

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * Without a token, answer only requests addressed to a loopback name (or the configured host): a DNS
 * rebinding page would address us by its own domain name, and is refused here.
 */
export function isAllowedHost(headers: Headers, configuredHost: string, token: string | undefined): boolean {
  if (token !== undefined) return true;
  const host = headers.get("host");
  if (host === null) return true;
  if (LOOPBACK_HOST.test(host)) return true;
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return name === configuredHost || configuredHost === "0.0.0.0" || configuredHost === "::";
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
