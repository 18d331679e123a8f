import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Who may use Taskloom, judged from a request's headers: the token and the Host rule. Kept apart from
 * `auth.ts` (which is `server-only`) so that the server entry (`server.ts`, plain Node, which answers the
 * event stream itself) applies the same rules as the app.
 */

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
