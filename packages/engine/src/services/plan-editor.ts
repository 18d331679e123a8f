import {
  BadInputError,
  type Clock,
  ConflictError,
  CycleError,
  type LinkKind,
  NotFoundError,
  type ParamValue,
  type PlanDefinition,
  PlanValidationError,
  planToDocument,
  type RunStore,
  type TaskDefinition,
  validatePlanObject,
  wouldCreateCycle,
} from "@taskloom/core";

/** A plan as the editor shows it: the definition plus editor positions and an explicit link list. */
export interface PlanView {
  slug: string;
  name: string;
  goal: string;
  index: string;
  version: number;
  params: Record<string, ParamValue>;
  tasks: (TaskDefinition & { position: { x: number; y: number } | null })[];
  links: { from: string; to: string; kind: LinkKind }[];
}

interface PlanDocument {
  plan: string;
  name?: string;
  goal?: string;
  index?: string;
  tasks: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

const linkField = (kind: LinkKind) => (kind === "requires" ? "requires" : "refers");

/**
 * What every edit may say about where it started: the plan version the editor showed. When set and the plan
 * has moved on since, the edit is refused (`ConflictError`) instead of silently overwriting the other change.
 * Default: unset, no check (a script that means "apply this to whatever is there").
 */
export interface EditBase {
  baseVersion?: number;
}

/** What an edit leaves: the plan's version after it, for the next edit's `baseVersion`. */
export interface EditResult {
  version: number;
}

/** An edit started from a version the plan has since left: someone else's change would be overwritten. */
export class StalePlanVersionError extends ConflictError {
  readonly baseVersion: number;
  readonly currentVersion: number;
  constructor(baseVersion: number, currentVersion: number) {
    super(
      `the plan changed since you opened it: v${baseVersion} → v${currentVersion}; reload to see the change`,
    );
    this.name = "StalePlanVersionError";
    this.baseVersion = baseVersion;
    this.currentVersion = currentVersion;
  }
}

type LinkInput = EditBase & { planSlug: string; from: string; to: string; kind: LinkKind };

/** Every `{{tasks.KEY.output}}` inside any string of `value`, renamed. */
function renameTemplateRefs(value: unknown, from: string, to: string): unknown {
  if (typeof value === "string") {
    const pattern = new RegExp(`\\{\\{\\s*tasks\\.${from.replace(/[-]/g, "\\-")}\\.output\\s*\\}\\}`, "g");
    return value.replace(pattern, `{{tasks.${to}.output}}`);
  }
  if (Array.isArray(value)) return value.map((item) => renameTemplateRefs(item, from, to));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameTemplateRefs(v, from, to)]));
  }
  return value;
}

function listOf(task: Record<string, unknown>, field: "requires" | "refers"): string[] {
  const value = task[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * Edits a stored plan the way a person does in the graph editor. Every edit goes through the plan-file
 * document form and the same validation as a plan file (so the editor can never store a plan the CLI would
 * reject), and is saved as a new plan version. Layout (positions) is not part of the plan.
 */
export class PlanEditor {
  readonly #store: RunStore;
  readonly #clock: Clock;
  /** The last edit of each plan in flight: edits of one plan run one after another (read, check, write). */
  readonly #editing = new Map<string, Promise<unknown>>();

  constructor(store: RunStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async get(slug: string): Promise<PlanView> {
    const { definition, version } = await this.#store.getPlanDefinition(slug);
    const positions = await this.#store.getTaskPositions(slug);
    return {
      slug: definition.slug,
      name: definition.name,
      goal: definition.goal,
      index: definition.index,
      version,
      params: definition.params,
      tasks: definition.tasks.map((task) => ({ ...task, position: positions[task.key] ?? null })),
      links: definition.tasks.flatMap((task) => [
        ...task.requires.map((from) => ({ from, to: task.key, kind: "requires" as const })),
        ...task.refers.map((from) => ({ from, to: task.key, kind: "refers" as const })),
      ]),
    };
  }

  /** An empty plan: a goal waiting for tasks. */
  async create(input: { slug: string; name?: string; goal?: string }): Promise<{ slug: string }> {
    const exists = await this.#store.getPlanDefinition(input.slug).then(
      () => true,
      (error: unknown) => (error instanceof NotFoundError ? false : Promise.reject(error)),
    );
    if (exists) throw new ConflictError(`a plan with slug \`${input.slug}\` already exists`);
    const definition = this.#validate({
      plan: input.slug,
      ...(input.name ? { name: input.name } : {}),
      ...(input.goal ? { goal: input.goal } : {}),
      tasks: {},
    });
    await this.#store.importPlan(definition, { baseDir: null, now: this.#clock.now(), reason: "edit" });
    return { slug: definition.slug };
  }

  async update(
    input: EditBase & { slug: string; name?: string; goal?: string; index?: string },
  ): Promise<EditResult> {
    return this.#edit(input.slug, input.baseVersion, {}, (doc) => {
      if (input.name !== undefined) doc.name = input.name;
      if (input.goal !== undefined) doc.goal = input.goal;
      if (input.index !== undefined) doc.index = input.index;
    });
  }

  /**
   * Adds a task, or replaces one (`originalKey` set). `task` is a plan-file task object, exactly what the
   * task would look like in YAML. Renaming a task carries its links, template references and position along.
   */
  async upsertTask(
    input: EditBase & {
      planSlug: string;
      key: string;
      originalKey?: string;
      task: unknown;
      /** Where the editor puts the task; default: where it was (a new task is laid out by the client). */
      position?: { x: number; y: number };
    },
  ): Promise<EditResult> {
    if (input.task === null || typeof input.task !== "object" || Array.isArray(input.task)) {
      throw new BadInputError("task must be a mapping of plan-file task fields");
    }
    const raw = input.task as Record<string, unknown>;
    const positions = await this.#store.getTaskPositions(input.planSlug);
    const carried = input.originalKey !== undefined ? positions[input.originalKey] : undefined;
    const position = input.position ?? carried;
    const moved = position ? { [input.key]: position } : {};
    return this.#edit(input.planSlug, input.baseVersion, moved, (doc) => {
      const original = input.originalKey;
      if (original === undefined) {
        if (doc.tasks[input.key]) throw new ConflictError(`task \`${input.key}\` already exists`);
        doc.tasks[input.key] = raw;
        return;
      }
      if (!doc.tasks[original]) throw new NotFoundError("task", `${input.planSlug}/${original}`);
      if (original !== input.key && doc.tasks[input.key]) {
        throw new ConflictError(`task \`${input.key}\` already exists`);
      }
      const renamed: Record<string, Record<string, unknown>> = {};
      for (const [key, task] of Object.entries(doc.tasks)) {
        if (key === original) {
          renamed[input.key] = raw;
          continue;
        }
        if (original === input.key) {
          renamed[key] = task;
          continue;
        }
        const moved = renameTemplateRefs(task, original, input.key) as Record<string, unknown>;
        for (const field of ["requires", "refers"] as const) {
          if (moved[field]) moved[field] = listOf(moved, field).map((k) => (k === original ? input.key : k));
        }
        if (moved.parent === original) moved.parent = input.key;
        renamed[key] = moved;
      }
      doc.tasks = renamed;
    });
  }

  /**
   * Removes a task and every link to or from it; the tasks under it move up to its own parent (or to none).
   * A task whose templates read its output must change first.
   */
  async deleteTask(input: EditBase & { planSlug: string; key: string }): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc) => {
      const deleted = doc.tasks[input.key];
      if (!deleted) throw new NotFoundError("task", `${input.planSlug}/${input.key}`);
      delete doc.tasks[input.key];
      for (const task of Object.values(doc.tasks)) {
        for (const field of ["requires", "refers"] as const) {
          if (task[field]) task[field] = listOf(task, field).filter((k) => k !== input.key);
        }
        if (task.parent === input.key) {
          if (deleted.parent === undefined) delete task.parent;
          else task.parent = deleted.parent;
        }
      }
    });
  }

  async setPositions(input: {
    planSlug: string;
    positions: { key: string; x: number; y: number }[];
  }): Promise<void> {
    await this.#store.setTaskPositions(input.planSlug, input.positions);
  }

  /**
   * Links `from` (upstream) to `to` (dependent). A `requires` link that would close a cycle is refused with
   * the cycle it would make, `from → to → … → from`.
   */
  async createLink(input: LinkInput): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc, definition) => {
      const target = this.#linkEnds(doc, input);
      const field = linkField(input.kind);
      if (listOf(target, field).includes(input.from)) {
        throw new ConflictError(`\`${input.to}\` already ${field} \`${input.from}\``);
      }
      if (input.kind === "requires") this.#refuseCycle(definition, input.from, input.to);
      target[field] = [...listOf(target, field), input.from];
    });
  }

  async deleteLink(input: LinkInput): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc) => {
      const target = this.#linkEnds(doc, input);
      const field = linkField(input.kind);
      if (!listOf(target, field).includes(input.from)) {
        throw new NotFoundError("link", `${input.from} -> ${input.to} (${input.kind})`);
      }
      target[field] = listOf(target, field).filter((k) => k !== input.from);
    });
  }

  /** Switches a link between `requires` and `refers` (becoming `requires` is checked for cycles). */
  async setLinkKind(input: LinkInput): Promise<EditResult> {
    const other: LinkKind = input.kind === "requires" ? "refers" : "requires";
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc, definition) => {
      const target = this.#linkEnds(doc, input);
      const oldField = linkField(other);
      const newField = linkField(input.kind);
      if (!listOf(target, oldField).includes(input.from)) {
        throw new NotFoundError("link", `${input.from} -> ${input.to} (${other})`);
      }
      if (input.kind === "requires") this.#refuseCycle(definition, input.from, input.to);
      target[oldField] = listOf(target, oldField).filter((k) => k !== input.from);
      if (!listOf(target, newField).includes(input.from))
        target[newField] = [...listOf(target, newField), input.from];
    });
  }

  #linkEnds(
    doc: PlanDocument,
    input: { planSlug: string; from: string; to: string },
  ): Record<string, unknown> {
    if (!doc.tasks[input.from]) throw new NotFoundError("task", `${input.planSlug}/${input.from}`);
    const target = doc.tasks[input.to];
    if (!target) throw new NotFoundError("task", `${input.planSlug}/${input.to}`);
    if (input.from === input.to) throw new CycleError([input.from, input.from]);
    return target;
  }

  #refuseCycle(definition: PlanDefinition, from: string, to: string): void {
    const nodes = definition.tasks.map((task) => task.key);
    const edges = definition.tasks.flatMap((task) => task.requires.map((up) => [up, task.key] as const));
    const cycle = wouldCreateCycle(nodes, edges, from, to);
    if (cycle) throw new CycleError(cycle);
  }

  #validate(document: unknown): PlanDefinition {
    const result = validatePlanObject(document);
    if (!result.ok) throw new PlanValidationError(result.issues);
    return result.plan;
  }

  /**
   * Load, check the base version, change the plan-file document, re-validate, save as a new version (with
   * `positions`, atomically). Edits of one plan are serialised in this process, so two tabs' edits cannot both
   * pass the version check and then both be written.
   */
  async #edit(
    slug: string,
    baseVersion: number | undefined,
    positions: Record<string, { x: number; y: number }>,
    mutate: (doc: PlanDocument, definition: PlanDefinition) => void,
  ): Promise<EditResult> {
    const previous = this.#editing.get(slug) ?? Promise.resolve();
    const edit = previous.then(
      () => this.#apply(slug, baseVersion, positions, mutate),
      () => this.#apply(slug, baseVersion, positions, mutate),
    );
    this.#editing.set(slug, edit);
    try {
      return await edit;
    } finally {
      if (this.#editing.get(slug) === edit) this.#editing.delete(slug);
    }
  }

  async #apply(
    slug: string,
    baseVersion: number | undefined,
    positions: Record<string, { x: number; y: number }>,
    mutate: (doc: PlanDocument, definition: PlanDefinition) => void,
  ): Promise<EditResult> {
    const { definition, baseDir, version } = await this.#store.getPlanDefinition(slug);
    if (baseVersion !== undefined && baseVersion !== version) {
      throw new StalePlanVersionError(baseVersion, version);
    }
    const doc = planToDocument(definition) as PlanDocument;
    mutate(doc, definition);
    const next = this.#validate(doc);
    const saved = await this.#store.importPlan(next, {
      baseDir,
      now: this.#clock.now(),
      reason: "edit",
      positions,
    });
    return { version: saved.version };
  }
}
