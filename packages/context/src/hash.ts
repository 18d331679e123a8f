import { createHash } from "node:crypto";
import { canonicalJson } from "@taskloom/core";

/** sha256 (hex) of a UTF-8 text. Hashing is computation, not I/O: node:crypto is the only node import here. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** sha256 over `canonicalJson(value)`: sorted keys, so equal values hash equally across processes. */
export function canonicalHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
