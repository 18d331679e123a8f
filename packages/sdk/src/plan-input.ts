import type { ParamValue } from "@taskloom/core";
import type { TaskHandler } from "./define-task.ts";

/**
 * The plan-file model as TypeScript types, for `definePlan`: the same fields, with the same meaning and
 * defaults, as the plan-file reference in the README. Validation is the plan file's own (core's), so these
 * types are a help for editors, not the rule: what they let through, validation still checks.
 */

export type Duration = string | number;

export interface RetriesInput {
  max?: number;
  backoff?: "fixed" | "exponential";
  delay?: Duration;
  maxDelay?: Duration;
  jitter?: number;
}

interface CommonTaskInput {
  name?: string;
  requires?: string[];
  refers?: string[];
  duplicates?: string[];
  relatesTo?: string[];
  parent?: string;
  params?: Record<string, ParamValue>;
  priority?: number;
  queue?: string;
  retries?: RetriesInput;
  timeout?: Duration | null;
  output?: "text" | "json";
  concurrencyKey?: string;
  concurrencyLimit?: number;
  exclusive?: boolean;
  cache?: { key: string; ttl: Duration };
}

export interface ShellTaskInput extends CommonTaskInput {
  kind?: "shell";
  run: string | string[];
  env?: Record<string, string>;
  cwd?: string | null;
}

export interface HttpTaskInput extends CommonTaskInput {
  kind: "http";
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown> | unknown[] | null;
}

export interface NoopTaskInput extends CommonTaskInput {
  kind: "noop";
  result?: unknown;
}

export interface LlmTaskInput extends CommonTaskInput {
  kind: "llm";
  prompt: string;
  system?: string | null;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  context?: {
    budget?: number;
    k?: number;
    summarize?: "extractive" | "llm" | "off";
    include?: { siblings?: boolean; notes?: boolean; retrieval?: boolean };
  };
  pin?: string[];
  exclude?: string[];
}

export interface FunctionTaskInput extends CommonTaskInput {
  kind: "function";
  /** The handler's name, or the handler itself (what `defineTask` returned): its name is used. */
  // biome-ignore lint/suspicious/noExplicitAny: any handler, whatever its input and output types.
  handler: string | TaskHandler<any, any>;
  /** The handler's input (JSON, strings templated). Default: the task's params. */
  input?: unknown;
}

export type TaskInput = ShellTaskInput | HttpTaskInput | NoopTaskInput | LlmTaskInput | FunctionTaskInput;

export interface PlanInput {
  plan: string;
  name?: string;
  goal?: string;
  index?: string;
  params?: Record<string, ParamValue>;
  defaults?: {
    retries?: RetriesInput;
    timeout?: Duration | null;
    queue?: string;
    priority?: number;
    output?: "text" | "json";
    env?: Record<string, string>;
    cwd?: string | null;
  };
  tasks: Record<string, TaskInput>;
  documents?: Record<string, { title?: string; path?: string; text?: string }>;
  notes?: Record<string, ParamValue>;
  schedules?: Record<string, unknown>[];
}
