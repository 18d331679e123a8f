import { webEnv } from "../../../../../env.ts";
import { runStatusResponse } from "../../../../../server/runs-api.ts";
import { taskloom } from "../../../../../server/taskloom-instance.ts";

export const dynamic = "force-dynamic";

/** A run's status and its tasks' statuses (see `server/runs-api.ts`). */
export async function GET(
  request: Request,
  context: { params: Promise<{ runId: string }> },
): Promise<Response> {
  const { runId } = await context.params;
  return runStatusResponse(request, runId, { taskloom, authToken: webEnv().authToken });
}
