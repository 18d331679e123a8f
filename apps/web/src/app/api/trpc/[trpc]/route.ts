import { appRouter, createTRPCContext } from "@taskloom/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { webEnv } from "../../../../env.ts";
import { isAuthorized, isCrossSiteRequest } from "../../../../server/auth.ts";
import { taskloom } from "../../../../server/taskloom-instance.ts";

export const dynamic = "force-dynamic";

function handler(request: Request): Response | Promise<Response> {
  if (request.method === "POST" && isCrossSiteRequest(request.headers, request.url)) {
    return Response.json({ error: "cross-site requests are refused" }, { status: 403 });
  }
  const env = webEnv();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () =>
      createTRPCContext({
        taskloom: await taskloom(),
        authorized: isAuthorized(request.headers, env.authToken),
        // A script sends the token itself; the browser sends the sign-in cookie (or nothing on loopback).
        actor: request.headers.get("authorization")?.startsWith("Bearer ") ? "token" : "dashboard",
      }),
    onError({ error, path }) {
      // Expected outcomes (validation, not found, refused cycles) are the client's to show; log the rest.
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error);
    },
  });
}

export { handler as GET, handler as POST };
