import { groupSweepPoints, pointsJson, type RunDetail, TaskloomError } from "@taskloom/core";
import { paramTexts, type Taskloom } from "@taskloom/engine";
import { z } from "zod";
import { isAuthorized, isCrossSiteRequest } from "./auth.ts";

/**
 * The REST API other systems drive Taskloom with (CI jobs, cron on other hosts, chat bots):
 * `POST /api/v1/plans/<slug>/runs` starts a run, `GET /api/v1/runs/<id>` reads it. The route handlers only
 * pass the request here. Every refusal is a JSON `{ error }` with a 4xx status; nothing a client sends
 * turns into a 500.
 */

export interface RunsApiDeps {
  /** Opened on demand, so a request refused before reaching the engine never opens the database. */
  taskloom: () => Promise<Taskloom>;
  /** The token every request must present (`Authorization: Bearer`); undefined when none is configured. */
  authToken: string | undefined;
}

/** A request body larger than this is refused (413): params are a handful of short values. */
export const MAX_BODY_BYTES = 1024 * 1024;

const bodySchema = z.strictObject({
  params: z
    .record(z.string().min(1).max(256), z.union([z.string().max(100_000), z.number(), z.boolean()]))
    .optional(),
});

function refuse(status: number, error: string): Response {
  return Response.json({ error }, { status });
}

/** The engine's typed errors as statuses: what the caller got wrong is theirs to fix, the rest is ours. */
const STATUS_OF_CODE: Partial<Record<TaskloomError["code"], number>> = {
  NOT_FOUND: 404,
  BAD_INPUT: 400,
  PLAN_INVALID: 400,
  CONFLICT: 409,
};

async function guarded(body: () => Promise<Response>): Promise<Response> {
  try {
    return await body();
  } catch (error) {
    const status = error instanceof TaskloomError ? STATUS_OF_CODE[error.code] : undefined;
    if (status !== undefined) return refuse(status, (error as Error).message);
    console.error("REST API request failed:", error);
    return refuse(500, "internal server error: the server log has the details");
  }
}

function unauthorized(request: Request, deps: RunsApiDeps): Response | null {
  if (isAuthorized(request.headers, deps.authToken)) return null;
  return refuse(401, "unauthorized: send Authorization: Bearer <TASKLOOM_AUTH_TOKEN>");
}

/** The params of a start request, or the response that refuses it. */
async function readParams(request: Request): Promise<Record<string, string> | Response> {
  const tooLarge = refuse.bind(null, 413, `the body is over ${MAX_BODY_BYTES} bytes`);
  // Said up front: refused before reading. A body sent without a length is measured once read.
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return tooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    return refuse(413, `the body is over ${MAX_BODY_BYTES} bytes`);
  // An empty body is a run with the plan's default params.
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return refuse(
      415,
      `send the body as JSON (Content-Type: application/json), got ${type ?? "no Content-Type"}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return refuse(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
  const body = bodySchema.safeParse(parsed);
  if (!body.success) {
    const issue = body.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return refuse(400, `invalid body: ${where}${issue?.message ?? 'expected { "params": { … } }'}`);
  }
  return paramTexts(body.data.params ?? {});
}

/**
 * The run monitor's address as the caller reached this server: Next rewrites `request.url`'s host to
 * `localhost`, so the `Host` header says it (or `X-Forwarded-*`, which the server entry keeps only from a
 * trusted proxy).
 */
function runUrl(request: Request, runId: string): string {
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const proto = request.headers.get("x-forwarded-proto");
  const origin = `${proto ? proto.split(",")[0]?.trim() : url.protocol.replace(/:$/, "")}://${host?.split(",")[0]?.trim() || url.host}`;
  try {
    return new URL(`/runs/${encodeURIComponent(runId)}`, origin).toString();
  } catch {
    return new URL(`/runs/${encodeURIComponent(runId)}`, request.url).toString();
  }
}

/** `POST /api/v1/plans/<slug>/runs` with `{ "params": { … } }`: 201 `{ id, url, status }`. */
export function startRunResponse(request: Request, slug: string, deps: RunsApiDeps): Promise<Response> {
  return guarded(async () => {
    const denied = unauthorized(request, deps);
    if (denied) return denied;
    // A page on another site must not start shell tasks through a browser that can reach this server.
    if (isCrossSiteRequest(request.headers, request.url))
      return refuse(403, "cross-site requests are refused");
    const params = await readParams(request);
    if (params instanceof Response) return params;
    const taskloom = await deps.taskloom();
    const created = await taskloom.startRun(slug, { params, trigger: "api" });
    const status = await taskloom.store.getRunStatus(created.runId);
    return Response.json(
      { id: created.runId, url: runUrl(request, created.runId), status },
      { status: 201, headers: { location: runUrl(request, created.runId) } },
    );
  });
}

/** What `GET /api/v1/runs/<id>` answers: the run's status and each task's, without outputs or logs. */
export function runJson(request: Request, run: RunDetail) {
  return {
    id: run.id,
    url: runUrl(request, run.id),
    plan: run.planSlug,
    planVersion: run.planVersion,
    status: run.status,
    trigger: run.trigger,
    params: run.params,
    createdAt: new Date(run.createdAt).toISOString(),
    startedAt: run.startedAt === null ? null : new Date(run.startedAt).toISOString(),
    finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
    tasks: groupSweepPoints(run.tasks).map(({ task, points }) => ({
      key: task.key,
      status: task.status,
      attempts: task.attempts,
      exitCode: task.exitCode,
      error: task.error,
      ...(points ? { points: pointsJson(points) } : {}),
      ...(task.waitingFor ? { waitingFor: task.waitingFor } : {}),
    })),
  };
}

/** `GET /api/v1/runs/<id>`: 200 with `runJson`, 404 for an unknown run. */
export function runStatusResponse(request: Request, runId: string, deps: RunsApiDeps): Promise<Response> {
  return guarded(async () => {
    const denied = unauthorized(request, deps);
    if (denied) return denied;
    if (runId.length === 0 || runId.length > 128) return refuse(404, `run not found: ${runId}`);
    const taskloom = await deps.taskloom();
    return Response.json(runJson(request, await taskloom.getRun(runId)));
  });
}
