import type { PlanDocument } from "../types.ts";
import { isReservedName, nonEmptyStringCheck, own, readField, stringCheck } from "./checks.ts";
import { describeValue, type IssueCollector, isPlainObject } from "./issues.ts";

/**
 * The plan-level `documents:` and `notes:` sections. Validation does no I/O: a document given by `path`
 * is read through the caller's `readDocument` (the engine reads files relative to the plan file). Without
 * a reader such a document is an issue, since its text is part of the plan definition.
 */

/** Reads a document's file; returns its text, or throws with a message saying why it cannot. */
export type DocumentReader = (relativePath: string) => string;

const DOCUMENT_FIELDS = ["title", "path", "text"] as const;
/** Same alphabet as item-ref keys, so every document key is a valid `doc:<key>`. */
const DOCUMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export function readDocuments(
  value: unknown,
  issues: IssueCollector,
  readDocument: DocumentReader | undefined,
): PlanDocument[] | undefined {
  if (value === undefined) return undefined;
  const path = ["documents"];
  if (!isPlainObject(value)) {
    issues.add(
      path,
      `expected a mapping of document keys to { title, path | text }, got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const documents: PlanDocument[] = [];
  for (const [key, raw] of Object.entries(value)) {
    const at = [...path, key];
    if (isReservedName(key) || !DOCUMENT_KEY.test(key)) {
      issues.add(
        at,
        `invalid document key \`${key}\`: use letters, digits, \`.\`, \`_\`, \`/\` and \`-\``,
        "invalid_key",
      );
      continue;
    }
    if (!isPlainObject(raw)) {
      issues.add(
        at,
        `a document must be a mapping { title, path | text }, got ${describeValue(raw)}`,
        "invalid_type",
      );
      continue;
    }
    for (const field of Object.keys(raw)) {
      if (!(DOCUMENT_FIELDS as readonly string[]).includes(field))
        issues.add([...at, field], `unknown field \`${field}\``, "unknown_field");
    }
    const title = readField(raw, "title", at, nonEmptyStringCheck, issues) ?? key;
    const hasPath = own(raw, "path") !== undefined;
    const hasText = own(raw, "text") !== undefined;
    if (hasPath === hasText) {
      issues.add(
        at,
        "a document needs exactly one of `path` (relative to the plan file) or `text`",
        "required",
      );
      continue;
    }
    const text = hasText
      ? readField(raw, "text", at, stringCheck, issues)
      : readPath(
          readField(raw, "path", at, nonEmptyStringCheck, issues),
          [...at, "path"],
          issues,
          readDocument,
        );
    if (text !== undefined) documents.push({ key, title, text });
  }
  return documents;
}

function readPath(
  file: string | undefined,
  path: (string | number)[],
  issues: IssueCollector,
  readDocument: DocumentReader | undefined,
): string | undefined {
  if (file === undefined) return undefined;
  if (readDocument === undefined) {
    issues.add(
      path,
      `cannot read \`${file}\`: a plan given as text has no folder; use \`text\` or import the file`,
      "invalid_value",
    );
    return undefined;
  }
  try {
    return readDocument(file);
  } catch (error) {
    issues.add(
      path,
      `cannot read document \`${file}\`: ${error instanceof Error ? error.message : String(error)}`,
      "invalid_value",
    );
    return undefined;
  }
}

/** `notes: { key: value }`; numbers and booleans are taken as their text. */
export function readNotes(value: unknown, issues: IssueCollector): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    issues.add(
      ["notes"],
      `expected a mapping of note keys to text, got ${describeValue(value)}`,
      "invalid_type",
    );
    return undefined;
  }
  const notes: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (isReservedName(key) || !DOCUMENT_KEY.test(key)) {
      issues.add(
        ["notes", key],
        `invalid note key \`${key}\`: use letters, digits, \`.\`, \`_\`, \`/\` and \`-\``,
        "invalid_key",
      );
    } else if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") {
      notes[key] = String(raw);
    } else {
      issues.add(["notes", key], `expected text, got ${describeValue(raw)}`, "invalid_type");
    }
  }
  return notes;
}
