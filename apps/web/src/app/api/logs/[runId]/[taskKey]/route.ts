import { NotFoundError } from "@taskloom/core";
import { taskloom } from "../../../../../server/taskloom-instance.ts";

export const dynamic = "force-dynamic";

/** Chunks read per page while streaming a whole log (bounded memory for logs of any size). */
const PAGE = 5000;
const SAFE_NAME = /[^A-Za-z0-9._-]+/g;

/**
 * `GET /api/logs/RUN/TASK`: the task's whole log (every attempt, in order) as a text download, streamed page by
 * page. Behind the same gate as every page (`proxy.ts`); an unknown run or task is a 404.
 */
export async function GET(
  _request: Request,
  { params }: { params: Promise<{ runId: string; taskKey: string }> },
): Promise<Response> {
  const { runId, taskKey } = await params;
  const engine = await taskloom();
  let first: Awaited<ReturnType<typeof engine.queries.readLogs>>;
  try {
    first = await engine.queries.readLogs({ runId, taskKey, afterSeq: 0, limit: PAGE });
  } catch (error) {
    if (error instanceof NotFoundError) return new Response(`${error.message}\n`, { status: 404 });
    throw error;
  }
  const encoder = new TextEncoder();
  let page = first;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      controller.enqueue(encoder.encode(page.chunks.map((chunk) => chunk.text).join("")));
      const last = page.chunks.at(-1);
      if (page.chunks.length < PAGE || !last) {
        controller.close();
        return;
      }
      page = await engine.queries.readLogs({ runId, taskKey, afterSeq: last.seq, limit: PAGE });
    },
  });
  const name = `${runId}-${taskKey}.log`.replace(SAFE_NAME, "_");
  return new Response(body, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}
