import type { SweepPolicy } from "@taskloom/core";

/** Where a sweep's points come from, as the form offers it; `none` writes no `sweep:`. */
export const SWEEP_SOURCES = ["none", "matrix", "items", "itemsFrom"] as const;
export type SweepSource = (typeof SWEEP_SOURCES)[number];

/** One matrix param as typed: its name, and its values as a JSON list or separated by commas. */
export interface MatrixRow {
  name: string;
  value: string;
}

/** The task form's `sweep:` as typed; only the chosen source's fields are written. */
export interface SweepDraft {
  source: SweepSource;
  matrix: MatrixRow[];
  /** A JSON list of param mappings, `[{"lr": 0.1}, …]`. */
  items: string;
  /** The upstream whose JSON array output makes the points (one of the task's `requires`). */
  itemsFrom: string;
  maxParallel: string;
  need: "all" | "any";
}

export type SweepField =
  | "sweep"
  | "sweepMatrix"
  | "sweepItems"
  | "sweepItemsFrom"
  | "sweepMaxParallel"
  | "sweepNeed";

export const emptySweepDraft = (): SweepDraft => ({
  source: "none",
  matrix: [],
  items: "",
  itemsFrom: "",
  maxParallel: "",
  need: "all",
});

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A value typed between commas: a number, true or false, else the text itself. */
function scalarOf(text: string): string | number | boolean {
  if (NUMBER.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

/** How a matrix list is shown: comma-separated when that reads back the same values, else as JSON. */
function matrixText(values: readonly unknown[]): string {
  const plain = values.every(
    (value) => value !== "" && !String(value).includes(",") && scalarOf(String(value).trim()) === value,
  );
  return plain ? values.map(String).join(", ") : JSON.stringify(values);
}

/** The form state of a stored sweep. */
export function sweepDraftFrom(sweep: SweepPolicy | undefined): SweepDraft {
  const draft = emptySweepDraft();
  if (sweep === undefined) return draft;
  if ("matrix" in sweep) {
    draft.source = "matrix";
    draft.matrix = sweep.matrix.map((axis) => ({ name: axis.name, value: matrixText(axis.values) }));
  } else if ("items" in sweep) {
    draft.source = "items";
    draft.items = `[\n${sweep.items.map((item) => `  ${JSON.stringify(item)}`).join(",\n")}\n]`;
  } else {
    draft.source = "itemsFrom";
    draft.itemsFrom = sweep.itemsFrom;
  }
  draft.maxParallel = sweep.maxParallel === null ? "" : String(sweep.maxParallel);
  draft.need = sweep.need;
  return draft;
}

const WHOLE_NUMBER = /^\d+$/;

/**
 * The plan-file `sweep:` of a draft (undefined for none), plus what the text fields get wrong before the plan
 * rules apply (a list that is not JSON; that list is then left out). Everything else — empty lists, param
 * names, `itemsFrom` among the requires, a `maxParallel` below 1 — is left to core's `sweepCheck`, so the
 * form shows the plan file's words.
 */
export function sweepToPlan(draft: SweepDraft): {
  sweep: Record<string, unknown> | undefined;
  issues: Partial<Record<SweepField, string[]>>;
} {
  const issues: Partial<Record<SweepField, string[]>> = {};
  const add = (field: SweepField, message: string) => {
    const list = issues[field] ?? [];
    if (!list.includes(message)) issues[field] = [...list, message];
  };
  if (draft.source === "none") return { sweep: undefined, issues };
  const sweep: Record<string, unknown> = {};
  if (draft.source === "matrix") {
    const matrix: Record<string, unknown> = {};
    for (const row of draft.matrix) {
      const name = row.name.trim();
      const text = row.value.trim();
      if (name === "" && text === "") continue;
      if (name === "") {
        add("sweepMatrix", "every list needs a param name");
        continue;
      }
      if (Object.hasOwn(matrix, name)) add("sweepMatrix", `\`${name}\` is set twice`);
      const values = text.startsWith("[") ? parseJson(text) : commaList(text);
      if (values === undefined) add("sweepMatrix", MATRIX_LIST);
      else matrix[name] = values;
    }
    sweep.matrix = matrix;
  } else if (draft.source === "items") {
    const items = draft.items.trim() === "" ? [] : parseJson(draft.items);
    if (items === undefined) add("sweepItems", 'must be a JSON list of params: [{"lr": 0.1}, {"lr": 0.01}]');
    else sweep.items = items;
  } else {
    sweep.itemsFrom = draft.itemsFrom;
  }
  const maxParallel = draft.maxParallel.trim();
  // Not a whole number: passed on as typed, so the plan rules say what it must be.
  if (maxParallel !== "")
    sweep.maxParallel = WHOLE_NUMBER.test(maxParallel) ? Number(maxParallel) : maxParallel;
  if (draft.need !== "all") sweep.need = draft.need;
  return { sweep, issues };
}

const MATRIX_LIST = 'a list starting with [ must be JSON, e.g. [0.1, 0.01] or ["sgd", "adam"]';

function commaList(text: string): unknown[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map(scalarOf);
}

/** The parsed JSON, or undefined when it does not parse (JSON has no `undefined`). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
