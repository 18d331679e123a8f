import { z } from "zod";
import { MAX_SWEEP_POINTS } from "../sweep.ts";
import type { ParamValue, SweepAxis, SweepPolicy, SweepSource } from "../types.ts";
import {
  type Check,
  fromZod,
  nonEmptyStringCheck,
  own,
  PARAM_NAME_PATTERN,
  paramValueCheck,
} from "./checks.ts";
import { type DocPath, describeValue, type IssueCollector, isPlainObject } from "./issues.ts";

const SWEEP_FIELDS = ["matrix", "items", "itemsFrom", "maxParallel", "need"];
const SOURCES = ["matrix", "items", "itemsFrom"] as const;
const maxParallelCheck = fromZod(z.int("must be a whole number").min(1, "must be at least 1"));
const needCheck = fromZod(z.enum(["all", "any"]));

function checkName(name: string, path: DocPath, issues: IssueCollector): void {
  if (!PARAM_NAME_PATTERN.test(name)) {
    issues.add(
      path,
      `invalid param name \`${name}\`: use letters, digits and \`_\`, not starting with a digit`,
      "invalid_key",
    );
  }
}

function readValues(value: unknown, path: DocPath, issues: IssueCollector): ParamValue[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list of values, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  if (value.length === 0) {
    issues.add(path, "a matrix list needs at least one value (an empty list makes no points)", "too_small");
    return undefined;
  }
  const values: ParamValue[] = [];
  value.forEach((item, index) => {
    const parsed = paramValueCheck(item, [...path, index], issues);
    if (parsed !== undefined) values.push(parsed);
  });
  return values.length === value.length ? values : undefined;
}

function tooMany(count: number, path: DocPath, issues: IssueCollector, what: string): void {
  issues.add(
    path,
    `${what} makes ${count} points, more than the ${MAX_SWEEP_POINTS} a sweep may have`,
    "too_big",
  );
}

function readMatrix(value: unknown, path: DocPath, issues: IssueCollector): SweepAxis[] | undefined {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    issues.add(
      path,
      `expected a mapping of param names to lists of values, got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const before = issues.count;
  const axes: SweepAxis[] = [];
  for (const [name, raw] of Object.entries(value)) {
    checkName(name, [...path, name], issues);
    const values = readValues(raw, [...path, name], issues);
    if (values !== undefined) axes.push({ name, values });
  }
  if (issues.count > before) return undefined;
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (count > MAX_SWEEP_POINTS) {
    tooMany(count, path, issues, "the matrix");
    return undefined;
  }
  return axes;
}

function readItems(
  value: unknown,
  path: DocPath,
  issues: IssueCollector,
): Record<string, ParamValue>[] | undefined {
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list of param mappings, got ${describeValue(value)}`, "invalid_type");
    return undefined;
  }
  if (value.length === 0) {
    issues.add(path, "`items` needs at least one item (an empty list makes no points)", "too_small");
    return undefined;
  }
  if (value.length > MAX_SWEEP_POINTS) {
    tooMany(value.length, path, issues, "`items`");
    return undefined;
  }
  const before = issues.count;
  const items: Record<string, ParamValue>[] = [];
  value.forEach((item, index) => {
    const at = [...path, index];
    if (!isPlainObject(item) || Object.keys(item).length === 0) {
      issues.add(at, `expected a non-empty mapping of params, got ${describeValue(item)}`, "invalid_type");
      return;
    }
    const params: Record<string, ParamValue> = {};
    for (const [name, raw] of Object.entries(item)) {
      checkName(name, [...at, name], issues);
      const parsed = paramValueCheck(raw, [...at, name], issues);
      if (parsed !== undefined) params[name] = parsed;
    }
    items.push(params);
  });
  return issues.count > before ? undefined : items;
}

/**
 * A task's `sweep: { matrix | items | itemsFrom, maxParallel, need }`: exactly one source; matrix lists and
 * items non-empty, at most `MAX_SWEEP_POINTS` points; `maxParallel` an integer ≥ 1 (default: no limit);
 * `need` `all` (default) or `any`. That `itemsFrom` names a required upstream is checked with the links.
 */
export const sweepCheck: Check<SweepPolicy> = (value, path, issues) => {
  if (!isPlainObject(value)) {
    issues.add(
      path,
      `expected a mapping { matrix | items | itemsFrom, maxParallel, need }, got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const before = issues.count;
  for (const field of Object.keys(value)) {
    if (!SWEEP_FIELDS.includes(field))
      issues.add([...path, field], `unknown field \`${field}\``, "unknown_field");
  }
  const given = SOURCES.filter((field) => own(value, field) !== undefined);
  if (given.length === 0) {
    issues.add(
      path,
      "a sweep needs one of `matrix` (lists to combine), `items` (a list of params) or `itemsFrom` (an upstream task)",
      "required",
    );
  } else if (given.length > 1) {
    issues.add(
      [...path, given[1] ?? "items"],
      `a sweep takes only one of matrix, items and itemsFrom (got ${given.join(" and ")})`,
      "invalid_value",
    );
  }
  let source: SweepSource | undefined;
  const at = (field: string) => [...path, field];
  if (given.length === 1) {
    if (given[0] === "matrix") {
      const matrix = readMatrix(own(value, "matrix"), at("matrix"), issues);
      if (matrix) source = { matrix };
    } else if (given[0] === "items") {
      const items = readItems(own(value, "items"), at("items"), issues);
      if (items) source = { items };
    } else {
      const itemsFrom = nonEmptyStringCheck(own(value, "itemsFrom"), at("itemsFrom"), issues);
      if (itemsFrom !== undefined) source = { itemsFrom };
    }
  }
  const rawMaxParallel = own(value, "maxParallel");
  const maxParallel =
    rawMaxParallel === undefined ? null : maxParallelCheck(rawMaxParallel, at("maxParallel"), issues);
  const rawNeed = own(value, "need");
  const need = rawNeed === undefined ? "all" : needCheck(rawNeed, at("need"), issues);
  if (issues.count > before || source === undefined || maxParallel === undefined || need === undefined)
    return undefined;
  return { ...source, maxParallel, need };
};

/** The params every point of the sweep sets (for template checks); undefined when unknown (`itemsFrom`). */
export function sweepParamNames(sweep: SweepPolicy): Set<string> | undefined {
  if ("matrix" in sweep) return new Set(sweep.matrix.map((axis) => axis.name));
  if ("items" in sweep) return new Set(sweep.items.flatMap((item) => Object.keys(item)));
  return undefined;
}

/** The plan-file form of a sweep (what `sweepCheck` reads back); defaults are left out. */
export function sweepFile(sweep: SweepPolicy): Record<string, unknown> {
  const file: Record<string, unknown> = {};
  if ("matrix" in sweep)
    file.matrix = Object.fromEntries(sweep.matrix.map((axis) => [axis.name, [...axis.values]]));
  else if ("items" in sweep) file.items = sweep.items.map((item) => ({ ...item }));
  else file.itemsFrom = sweep.itemsFrom;
  if (sweep.maxParallel !== null) file.maxParallel = sweep.maxParallel;
  if (sweep.need !== "all") file.need = sweep.need;
  return file;
}

/** `itemsFrom` names an upstream this task requires: its output must exist before the points can. */
export function checkSweepLinks(
  task: { key: string; sweep?: SweepPolicy | undefined; requires?: string[] | undefined },
  issues: IssueCollector,
): void {
  if (task.sweep === undefined || !("itemsFrom" in task.sweep)) return;
  const upstream = task.sweep.itemsFrom;
  if (!(task.requires ?? []).includes(upstream)) {
    issues.add(
      ["tasks", task.key, "sweep", "itemsFrom"],
      `sweep itemsFrom \`${upstream}\` must be one of this task's \`requires\` (its output makes the points)`,
      "unknown_task",
    );
  }
}
