/**
 * A task definition as the client receives it (`TaskDefinition` of core after JSON serialisation): only what
 * is read here. Other spec kinds (a model task's `prompt`) come through as their fields.
 */
export interface DefinitionLike {
  key: string;
  kind: string;
  spec: { kind: string; run?: string | string[]; method?: string; url?: string; prompt?: unknown };
}

/** The parts of a run the definition of an attempt is resolved from (as `runs.get` returns them). */
interface DefinitionSource<D extends DefinitionLike> {
  graph: { tasks: D[] };
}
interface TaskRunDefinition<D extends DefinitionLike> {
  key: string;
  definition: D | null;
}
interface AttemptDefinition<D extends DefinitionLike> {
  definition: D | null;
}

/**
 * The definition a task run holds: its own after a retry took a newer one, else the copy frozen in the run's
 * graph. Null only for a task the graph does not know (a corrupt run).
 */
export function taskRunDefinition<D extends DefinitionLike>(
  run: DefinitionSource<D>,
  task: TaskRunDefinition<D>,
): D | null {
  return task.definition ?? run.graph.tasks.find((frozen) => frozen.key === task.key) ?? null;
}

/** The definition one attempt ran: stamped on it when a later retry changed the task run's. */
export function attemptDefinition<D extends DefinitionLike>(
  run: DefinitionSource<D>,
  task: TaskRunDefinition<D>,
  attempt: AttemptDefinition<D>,
): D | null {
  return attempt.definition ?? taskRunDefinition(run, task);
}

/**
 * What a definition does, in one line a person recognises: the command of a shell task, the request of an
 * HTTP task, the prompt of a model task, or its spec as JSON for anything else.
 */
export function definitionSummary(definition: DefinitionLike): { label: string; text: string } {
  const { kind, run, method, url, prompt, ...rest } = definition.spec;
  if (run !== undefined) return { label: "command", text: typeof run === "string" ? run : run.join(" ") };
  if (url !== undefined) return { label: "request", text: `${method ?? "GET"} ${url}` };
  if (typeof prompt === "string") return { label: "prompt", text: prompt };
  return { label: kind, text: JSON.stringify(rest) };
}
