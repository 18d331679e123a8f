import { createHash } from "node:crypto";
import { canonicalJson, TextMemo } from "@taskloom/core";

/** Every bundle of a plan hashes the same outputs again: hashes of longer texts are remembered. */
const hashes = new TextMemo(digest, { minLength: 256, maxChars: 16_000_000 });

/** sha256 (hex) of a UTF-8 text. Hashing is computation, not I/O: node:crypto is the only node import here. */
export function sha256(text: string): string {
  return hashes.get(text);
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** sha256 over `canonicalJson(value)`: sorted keys, so equal values hash equally across processes. */
export function canonicalHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
