import { webEnv } from "../../../env.ts";
import {
  isCrossSiteRequest,
  isHttpsRequest,
  safeNextPath,
  TOKEN_COOKIE,
  tokenMatches,
} from "../../../server/auth.ts";
import { vouchedPeer } from "../../../server/exposure.ts";
import { LoginThrottle } from "../../../server/login-throttle.ts";

export const dynamic = "force-dynamic";

const holder = globalThis as typeof globalThis & { __taskloomLoginThrottle?: LoginThrottle };
/** On `globalThis` so that `next dev` reloading this module does not forget who failed. */
holder.__taskloomLoginThrottle ??= new LoginThrottle({ now: Date.now });
const throttle = holder.__taskloomLoginThrottle;

/**
 * A relative Location: behind the Next server `request.url` may name another host (`localhost` for
 * `127.0.0.1`), and a redirect there would lose the cookie just set for this one.
 */
function redirect(location: string, cookie?: string): Response {
  const headers = new Headers({ location });
  if (cookie !== undefined) headers.append("set-cookie", cookie);
  // 303: the browser follows with a GET, so a reload does not post the token again.
  return new Response(null, { status: 303, headers });
}

/**
 * The login form's target: checks the token and keeps it in an httpOnly, SameSite=Strict cookie (`Secure`
 * over HTTPS). Failed attempts are throttled per peer address (the server entry vouches for it).
 */
export async function POST(request: Request): Promise<Response> {
  if (isCrossSiteRequest(request.headers, request.url)) {
    return new Response("cross-site requests are refused", { status: 403 });
  }
  const env = webEnv();
  const form = await request.formData();
  const token = form.get("token");
  const nextPath = safeNextPath(typeof form.get("next") === "string" ? String(form.get("next")) : null);
  if (env.authToken === undefined) return redirect(nextPath);
  const peer = vouchedPeer(request.headers, env.entrySecret) ?? "unknown";
  const waitMs = throttle.retryAfterMs(peer);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return redirect(`/login?error=throttled&retry=${seconds}&next=${encodeURIComponent(nextPath)}`);
  }
  if (typeof token !== "string" || !tokenMatches(token.trim(), env.authToken)) {
    throttle.recordFailure(peer);
    return redirect(`/login?error=1&next=${encodeURIComponent(nextPath)}`);
  }
  throttle.recordSuccess(peer);
  const secure = isHttpsRequest(request, env.trustProxy) ? "; Secure" : "";
  const cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token.trim())}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${60 * 60 * 24 * 30}${secure}`;
  return redirect(nextPath, cookie);
}
