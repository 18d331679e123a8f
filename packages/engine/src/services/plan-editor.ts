import {
  BadInputError,
  type Clock,
  ConflictError,
  CycleError,
  type ImportPlanOptions,
  LINK_FIELDS,
  LINK_KINDS,
  type LinkField,
  type LinkKind,
  NotFoundError,
  type ParamValue,
  type PlanDefinition,
  type PlanDocument,
  PlanValidationError,
  planLinks,
  planToDocument,
  type RunStore,
  StalePlanVersionError,
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
  /** The plan's documents (`doc:<key>` context items), in file order. */
  documents: PlanDocument[];
  /** The plan's notes (`note:<key>`), as the plan file gives them. */
  notes: Record<string, string>;
  tasks: (TaskDefinition & { position: { x: number; y: number } | null })[];
  links: { from: string; to: string; kind: LinkKind }[];
}

interface PlanFileDocument {
  plan: string;
  name?: string;
  goal?: string;
  index?: string;
  tasks: Record<string, Record<string, unknown>>;
  [field: string]: unknown;
}

const linkField = (kind: LinkKind) => LINK_FIELDS[kind];

/** Every task field that names other tasks: renames and deletes carry them along. */
const TASK_REF_FIELDS = Object.values(LINK_FIELDS);
type TaskRefField = LinkField;

/** What an edit changed of the plan's documents and notes, for the context store that mirrors them. */
export interface PlanContextChange {
  /** Every document of the plan after the edit. */
  documents: PlanDocument[];
  /** Every note of the plan file after the edit. */
  notes: Record<string, string>;
  /** Keys the edit removed. */
  removed: { documents: string[]; notes: string[] };
}

/**
 * The documents/notes change between two versions of a plan, or null when the edit left both alone (most
 * edits: a task, a link, the INDEX).
 */
export function planContextChange(before: PlanDefinition, after: PlanDefinition): PlanContextChange | null {
  const documentsBefore = before.documents ?? [];
  const documentsAfter = after.documents ?? [];
  const notesBefore = before.notes ?? {};
  const notesAfter = after.notes ?? {};
  const same =
    JSON.stringify(documentsBefore) === JSON.stringify(documentsAfter) &&
    JSON.stringify(Object.entries(notesBefore)) === JSON.stringify(Object.entries(notesAfter));
  if (same) return null;
  const keptDocuments = new Set(documentsAfter.map((doc) => doc.key));
  return {
    documents: documentsAfter,
    notes: notesAfter,
    removed: {
      documents: documentsBefore.map((doc) => doc.key).filter((key) => !keptDocuments.has(key)),
      notes: Object.keys(notesBefore).filter((key) => !Object.hasOwn(notesAfter, key)),
    },
  };
}

export interface PlanEditorOptions {
  /**
   * Called after an edit that changed the plan's documents or notes was saved, so the store the context
   * engine reads them from follows the plan. Default none.
   */
  onContextChange?: (planSlug: string, change: PlanContextChange) => Promise<void>;
}

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

/** How often an edit without `baseVersion` is re-applied when other writers keep moving the plan on. */
const MAX_UNBASED_EDIT_ATTEMPTS = 5;

/** What an edit saves besides the plan: editor positions, and the renames its context steering follows. */
type SaveOptions = Pick<ImportPlanOptions, "positions" | "renamedTasks">;

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

function listOf(task: Record<string, unknown>, field: TaskRefField): string[] {
  const value = task[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

const ENTRY_NAMES = { documents: "document", notes: "note" } as const;

/**
 * The plan-file document's `documents:` or `notes:` mapping, created empty when absent. Entries keep their
 * plan-file form (`{ title, text }`, or a note's text), so the edit re-validates like a file.
 */
function mappingOf(doc: PlanFileDocument, field: "documents" | "notes"): Record<string, unknown> {
  const value = doc[field];
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  const created: Record<string, unknown> = {};
  doc[field] = created;
  return created;
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
  readonly #onContextChange: PlanEditorOptions["onContextChange"];

  constructor(store: RunStore, clock: Clock, options: PlanEditorOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#onContextChange = options.onContextChange;
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
      documents: definition.documents ?? [],
      notes: definition.notes ?? {},
      tasks: definition.tasks.map((task) => ({ ...task, position: positions[task.key] ?? null })),
      links: planLinks(definition.tasks),
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
    const from = input.originalKey;
    const save: SaveOptions = {
      positions: position ? { [input.key]: position } : {},
      // The task's context steering moves with it, in the transaction that saves the renamed plan.
      ...(from !== undefined && from !== input.key ? { renamedTasks: { [from]: input.key } } : {}),
    };
    return this.#edit(input.planSlug, input.baseVersion, save, (doc) => {
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
        for (const field of TASK_REF_FIELDS) {
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
   * A task whose templates read its output must change first. Its context overrides and approval are
   * deleted with it (by the import that saves the plan).
   */
  async deleteTask(input: EditBase & { planSlug: string; key: string }): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc) => {
      const deleted = doc.tasks[input.key];
      if (!deleted) throw new NotFoundError("task", `${input.planSlug}/${input.key}`);
      delete doc.tasks[input.key];
      for (const task of Object.values(doc.tasks)) {
        for (const field of TASK_REF_FIELDS) {
          if (task[field]) task[field] = listOf(task, field).filter((k) => k !== input.key);
        }
        if (task.parent === input.key) {
          if (deleted.parent === undefined) delete task.parent;
          else task.parent = deleted.parent;
        }
      }
    });
  }

  /**
   * Adds (`create`) or replaces a plan document, always as inline text. Adding a key that exists, or
   * replacing one that does not, is refused so two people cannot silently take the same key.
   */
  async setDocument(
    input: EditBase & { planSlug: string; key: string; title: string; text: string; create: boolean },
  ): Promise<EditResult> {
    return this.#setEntry(input, "documents", { title: input.title, text: input.text });
  }

  /** Removes a plan document; a task that pins or excludes it must change first (the plan rules say so). */
  async deleteDocument(input: EditBase & { planSlug: string; key: string }): Promise<EditResult> {
    return this.#deleteEntry(input, "documents");
  }

  /** Adds (`create`) or changes a plan note, refused like `setDocument` when the key says otherwise. */
  async setNote(
    input: EditBase & { planSlug: string; key: string; value: string; create: boolean },
  ): Promise<EditResult> {
    return this.#setEntry(input, "notes", input.value);
  }

  async deleteNote(input: EditBase & { planSlug: string; key: string }): Promise<EditResult> {
    return this.#deleteEntry(input, "notes");
  }

  #setEntry(
    input: EditBase & { planSlug: string; key: string; create: boolean },
    field: "documents" | "notes",
    value: unknown,
  ): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc) => {
      const entries = mappingOf(doc, field);
      const exists = Object.hasOwn(entries, input.key);
      const what = ENTRY_NAMES[field];
      if (input.create && exists) throw new ConflictError(`${what} \`${input.key}\` already exists`);
      if (!input.create && !exists) throw new NotFoundError(what, `${input.planSlug}/${input.key}`);
      entries[input.key] = value;
    });
  }

  #deleteEntry(
    input: EditBase & { planSlug: string; key: string },
    field: "documents" | "notes",
  ): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc) => {
      const entries = mappingOf(doc, field);
      if (!Object.hasOwn(entries, input.key))
        throw new NotFoundError(ENTRY_NAMES[field], `${input.planSlug}/${input.key}`);
      delete entries[input.key];
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
        throw new ConflictError(`\`${input.to}\` already lists \`${input.from}\` in ${field}`);
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

  /**
   * Switches a link to `kind` from `previousKind` (default: the link's other kind, when the two tasks have
   * exactly one link of another kind). Becoming `requires` is checked for cycles.
   */
  async setLinkKind(input: LinkInput & { previousKind?: LinkKind | undefined }): Promise<EditResult> {
    return this.#edit(input.planSlug, input.baseVersion, {}, (doc, definition) => {
      const target = this.#linkEnds(doc, input);
      const other = input.previousKind ?? this.#onlyOtherKind(target, input);
      if (other === input.kind) {
        throw new ConflictError(`the link \`${input.from}\` → \`${input.to}\` is already ${other}`);
      }
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

  /** The kind of the one link from `from` to `to` other than `kind`; refused when there are none or several. */
  #onlyOtherKind(
    target: Record<string, unknown>,
    input: { from: string; to: string; kind: LinkKind },
  ): LinkKind {
    const others = LINK_KINDS.filter(
      (kind) => kind !== input.kind && listOf(target, linkField(kind)).includes(input.from),
    );
    const [only] = others;
    if (only === undefined) throw new NotFoundError("link", `${input.from} -> ${input.to}`);
    if (others.length > 1) {
      throw new ConflictError(
        `\`${input.from}\` → \`${input.to}\` has ${others.join(" and ")} links: say which one to change (previousKind)`,
      );
    }
    return only;
  }

  #linkEnds(
    doc: PlanFileDocument,
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
   * `save`'s positions and renames, atomically). Edits of one plan are serialised in this process, so two tabs' edits cannot both
   * pass the version check and then both be written.
   */
  async #edit(
    slug: string,
    baseVersion: number | undefined,
    save: SaveOptions,
    mutate: (doc: PlanFileDocument, definition: PlanDefinition) => void,
  ): Promise<EditResult> {
    const previous = this.#editing.get(slug) ?? Promise.resolve();
    const edit = previous.then(
      () => this.#apply(slug, baseVersion, save, mutate),
      () => this.#apply(slug, baseVersion, save, mutate),
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
    save: SaveOptions,
    mutate: (doc: PlanFileDocument, definition: PlanDefinition) => void,
  ): Promise<EditResult> {
    for (let attempt = 1; ; attempt++) {
      const { definition, baseDir, version } = await this.#store.getPlanDefinition(slug);
      if (baseVersion !== undefined && baseVersion !== version) {
        throw new StalePlanVersionError(baseVersion, version);
      }
      const doc = planToDocument(definition) as PlanFileDocument;
      mutate(doc, definition);
      const next = this.#validate(doc);
      let saved: { version: number };
      try {
        // `expectedVersion` closes the gap between this read and the write: another process (a CLI import,
        // a second server) may save a version in between, and its change must not be overwritten.
        saved = await this.#store.importPlan(next, {
          baseDir,
          now: this.#clock.now(),
          reason: "edit",
          ...save,
          expectedVersion: version,
        });
      } catch (error) {
        // An edit without a base means "apply this to whatever is there": apply it again to the new version.
        const retry = error instanceof StalePlanVersionError && baseVersion === undefined;
        if (!retry || attempt >= MAX_UNBASED_EDIT_ATTEMPTS) throw error;
        continue;
      }
      const change = planContextChange(definition, next);
      if (change !== null && this.#onContextChange) await this.#onContextChange(slug, change);
      return { version: saved.version };
    }
  }
}
