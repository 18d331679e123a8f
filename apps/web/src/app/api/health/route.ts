import { WORKER_LOST_AFTER_MS } from "@taskloom/core";
import { checkHealth } from "@taskloom/engine";
import { webEnv } from "../../../env.ts";
import { isAuthorized } from "../../../server/auth.ts";
import { taskloom } from "../../../server/taskloom-instance.ts";

export const dynamic = "force-dynamic";

/**
 * `{ ok, database: { ok, location }, workers }`. Open without the token so probes can use it, but then it
 * only says whether the server is up: the database location and worker hosts are for signed-in callers.
 */
export async function GET(request: Request): Promise<Response> {
  const env = webEnv();
  let report: Awaited<ReturnType<typeof checkHealth>>;
  try {
    const engine = await taskloom();
    report = await checkHealth({
      queries: engine.queries,
      location: engine.database.location,
      now: Date.now(),
      staleAfterMs: WORKER_LOST_AFTER_MS,
    });
  } catch (error) {
    report = {
      ok: false,
      database: { ok: false, location: "", error: error instanceof Error ? error.message : String(error) },
      workers: [],
    };
  }
  const status = report.ok ? 200 : 503;
  if (!isAuthorized(request.headers, env.authToken)) return Response.json({ ok: report.ok }, { status });
  return Response.json(report, { status });
}
