/**
 * `kind: function` tasks: TypeScript handlers that a worker registers by name (`@taskloom/sdk`'s
 * `defineTask`). A task names its handler; only a worker that has it claims the task, and until one is
 * alive the task waits, visibly (`handlerWaitMessage`). This file holds the contract between the SDK, the
 * executor that calls handlers and the read side; it does no I/O.
 */
import { BadInputError } from "./errors.ts";
import type { WorkerView } from "./read-model.ts";
import type { ParamValue, TaskDefinition, UpstreamOutput } from "./types.ts";
import { type WorkerState, workerState } from "./worker-state.ts";

/** A handler name: letters, digits and `_ . : / -`, starting with a letter or digit, at most 128 characters. */
export const HANDLER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

/** Why `name` cannot name a handler, or null when it can. */
export function handlerNameProblem(name: unknown): string | null {
  if (typeof name !== "string" || name === "") return "a handler name must be a non-empty string";
  if (!HANDLER_NAME_PATTERN.test(name)) {
    return `invalid handler name \`${name}\`: use letters, digits and \`_ . : / -\` (at most 128 characters, starting with a letter or digit)`;
  }
  return null;
}

/** Writes log lines of the attempt: `info`/`debug` to its stdout, `warn`/`error` to its stderr. */
export interface FunctionLogger {
  info(...values: unknown[]): void;
  debug(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
}

/** What a handler gets besides its input. */
export interface FunctionContext {
  runId: string;
  planSlug: string;
  taskKey: string;
  /** Counts from 1. */
  attempt: number;
  /** Effective params: plan defaults, then task params, then run params. */
  params: Record<string, ParamValue>;
  /** The `requires` upstreams' outputs, by task key, as text and parsed JSON. */
  upstream: Record<string, UpstreamOutput>;
  /** Each upstream's output: its parsed JSON when it was JSON, else its text (null when it had none). */
  outputs: Record<string, unknown>;
  /** Lines here are the task's log, shown in the run monitor's log tail and by `taskloom logs`. */
  log: FunctionLogger;
  /** Aborted when the attempt is cancelled or times out; pass it to whatever the handler waits on. */
  signal: AbortSignal;
  /**
   * Extends the attempt's lease now. The worker already heartbeats every lease/3 while the event loop turns;
   * a handler that works in long synchronous stretches calls this between them. Rejects never.
   */
  heartbeat(): Promise<void>;
}

/** A registered handler: its return value (JSON) is the task's output; a throw fails the attempt. */
export type FunctionHandler<Input = unknown, Output = unknown> = (
  input: Input,
  ctx: FunctionContext,
) => Output | Promise<Output>;

/** A handler with its name: what `defineTask` returns and what a worker is started with. */
export interface FunctionTaskDefinition<Input = unknown, Output = unknown> {
  readonly name: string;
  readonly run: FunctionHandler<Input, Output>;
}

/**
 * The handlers by name. A bad name, or two handlers with one name (from two files, say), is a
 * `BadInputError`: which one a task would get must never depend on load order.
 */
export function handlerMap(definitions: Iterable<FunctionTaskDefinition>): Map<string, FunctionHandler> {
  const map = new Map<string, FunctionHandler>();
  for (const definition of definitions) {
    const problem = handlerNameProblem(definition.name);
    if (problem !== null) throw new BadInputError(problem);
    if (typeof definition.run !== "function")
      throw new BadInputError(`handler \`${definition.name}\` has no function to run`);
    if (map.has(definition.name))
      throw new BadInputError(`two handlers are named \`${definition.name}\`: handler names must be unique`);
    map.set(definition.name, definition.run as FunctionHandler);
  }
  return map;
}

/** The handler a task definition names, or null when it is not a function task. */
export function handlerOf(definition: Pick<TaskDefinition, "spec">): string | null {
  return definition.spec.kind === "function" ? definition.spec.handler : null;
}

/** What the run monitor, the task panel and the CLI say of a ready task no live worker can take. */
export function handlerWaitMessage(handler: string): string {
  return `waiting for a worker with handler \`${handler}\``;
}

/** The handler names advertised by the workers that are alive at `now`. */
export function liveHandlers(
  workers: readonly Pick<WorkerView, "heartbeatAt" | "handlers">[],
  now: number,
  lostAfterMs?: number,
): Set<string> {
  const names = new Set<string>();
  for (const worker of workers) {
    const state: WorkerState = workerState(worker, now, lostAfterMs);
    if (state === "alive") for (const name of worker.handlers) names.add(name);
  }
  return names;
}

/**
 * The wait message of a task run: set when it is ready (or due to retry) and is a function task whose handler
 * no live worker advertises; null otherwise.
 */
export function handlerWait(
  taskRun: { status: string; definition: Pick<TaskDefinition, "spec"> },
  live: ReadonlySet<string>,
): string | null {
  if (taskRun.status !== "ready" && taskRun.status !== "retrying") return null;
  const handler = handlerOf(taskRun.definition);
  return handler !== null && !live.has(handler) ? handlerWaitMessage(handler) : null;
}

/**
 * A copy of a JSON value with each string replaced by `render(text, path)`; `path` is the keys and indexes
 * from the root. How a function task's `input` is templated (and how validation finds its templates).
 */
export function mapInputStrings(
  value: unknown,
  render: (text: string, path: (string | number)[]) => string,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === "string") return render(value, path);
  if (Array.isArray(value))
    return value.map((item, index) => mapInputStrings(item, render, [...path, index]));
  if (value !== null && typeof value === "object") {
    const mapped: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      mapped[key] = mapInputStrings(item, render, [...path, key]);
    return mapped;
  }
  return value;
}
