import { webEnv } from "../../../env.ts";
import { isCrossSiteRequest, safeNextPath, TOKEN_COOKIE, tokenMatches } from "../../../server/auth.ts";

export const dynamic = "force-dynamic";

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

/** The login form's target: checks the token and keeps it in an httpOnly, SameSite=Strict cookie. */
export async function POST(request: Request): Promise<Response> {
  if (isCrossSiteRequest(request.headers, request.url)) {
    return new Response("cross-site requests are refused", { status: 403 });
  }
  const env = webEnv();
  const form = await request.formData();
  const token = form.get("token");
  const nextPath = safeNextPath(typeof form.get("next") === "string" ? String(form.get("next")) : null);
  if (env.authToken === undefined) return redirect(nextPath);
  if (typeof token !== "string" || !tokenMatches(token.trim(), env.authToken)) {
    return redirect(`/login?error=1&next=${encodeURIComponent(nextPath)}`);
  }
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  const cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token.trim())}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${60 * 60 * 24 * 30}${secure}`;
  return redirect(nextPath, cookie);
}
