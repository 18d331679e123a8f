import { type NextRequest, NextResponse } from "next/server";
import { webEnv } from "./env.ts";
import { isAllowedHost, isAuthorized } from "./server/auth.ts";
import { vouchedPeer } from "./server/exposure.ts";

/** Paths reachable without the token: the login page and the form it posts to. */
const PUBLIC_PATHS = new Set(["/login", "/api/login", "/api/health"]);

/**
 * The gate in front of every page and API call. With TASKLOOM_AUTH_TOKEN set, a request without the token
 * is sent to /login (pages) or answered 401 (API). Route handlers check again, since a proxy is only the
 * first line (Next.js may skip it for some internal requests).
 */
export function proxy(request: NextRequest): NextResponse {
  const env = webEnv();
  // The peer check happens in the server entry, on the socket; a request that did not pass it (plain
  // `next start`, or a forged header) is not served at all.
  if (vouchedPeer(request.headers, env.entrySecret) === null) {
    return new NextResponse(
      "Start the Taskloom dashboard with its server entry (`taskloom start`, or `pnpm --filter @taskloom/web start`), not `next start`.",
      { status: 503 },
    );
  }
  if (!isAllowedHost(request.headers, env.host, env.authToken)) {
    return new NextResponse("Unknown host. Open Taskloom through 127.0.0.1 or localhost.", { status: 421 });
  }
  const { pathname, search } = request.nextUrl;
  if (env.authToken === undefined || PUBLIC_PATHS.has(pathname)) return NextResponse.next();
  if (isAuthorized(request.headers, env.authToken)) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: "unauthorized: sign in with the Taskloom token" }, { status: 401 });
  }
  const login = new URL("/login", request.url);
  login.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but Next's own static assets and the app icon (the login page shows it too).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
