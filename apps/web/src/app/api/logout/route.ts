import { isCrossSiteRequest, TOKEN_COOKIE } from "../../../server/auth.ts";

export const dynamic = "force-dynamic";

export function POST(request: Request): Response {
  if (isCrossSiteRequest(request.headers, request.url)) {
    return new Response("cross-site requests are refused", { status: 403 });
  }
  return new Response(null, {
    status: 303,
    headers: {
      location: "/login",
      "set-cookie": `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    },
  });
}
