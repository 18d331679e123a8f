import { webEnv } from "../../../../../../env.ts";
import { startRunResponse } from "../../../../../../server/runs-api.ts";
import { taskloom } from "../../../../../../server/taskloom-instance.ts";

export const dynamic = "force-dynamic";

/** Starts a run of the plan: `{ "params": { … } }` → 201 `{ id, url, status }` (see `server/runs-api.ts`). */
export async function POST(
  request: Request,
  context: { params: Promise<{ slug: string }> },
): Promise<Response> {
  const { slug } = await context.params;
  return startRunResponse(request, slug, { taskloom, authToken: webEnv().authToken });
}
