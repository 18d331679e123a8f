import { createRequire } from "node:module";
import { TextMemo, type Tokenizer } from "@taskloom/core";
import type * as EncodingApi from "gpt-tokenizer/encoding/cl100k_base";

export type EncodingName = "o200k_base" | "cl100k_base";

/**
 * The encoding a model family uses. o200k_base: gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1/o3/o4, gpt-oss,
 * chatgpt-4o. cl100k_base: gpt-4, gpt-3.5, the ada-002 and text-embedding-3 models, and the documented
 * fallback for every other model (llama, mistral, qwen, …): their own tokenizers are not on npm, and
 * cl100k counts within roughly ±15 % of them on English text, so budgets keep a safety margin (see
 * `DEFAULT_OUTPUT_RESERVE` in the context engine and `contextWindowFor`).
 */
export function encodingForModel(model: string): EncodingName {
  const name = baseModelName(model);
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[1-9]|gpt-oss|chatgpt-4o|codex)/.test(name)) return "o200k_base";
  return "cl100k_base";
}

/** `openai/gpt-4o-mini` or `gpt-4o:latest` → `gpt-4o-mini` / `gpt-4o`, lowercased. */
function baseModelName(model: string): string {
  const lower = model.trim().toLowerCase();
  const slash = lower.lastIndexOf("/");
  return slash >= 0 ? lower.slice(slash + 1) : lower;
}

/** Special-token strings in user text are ordinary text: counting must never throw on them. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * An encoding's module is loaded on its first use, not imported: evaluating the rank tables of both costs about
 * 75 MB resident (o200k's source alone is 3.4 MB of string literals), and most processes that open the engine
 * (`taskloom run` of shell tasks, a worker) never count a token. `require` is synchronous, so counting stays
 * synchronous; both bundlers the project uses (esbuild for the CLI, Next's for the web server) leave it lazy.
 */
const requireFromHere = createRequire(import.meta.url);
const ENCODING_MODULES: Record<EncodingName, string> = {
  o200k_base: "gpt-tokenizer/encoding/o200k_base",
  cl100k_base: "gpt-tokenizer/encoding/cl100k_base",
};

function loadEncoding(encoding: EncodingName): typeof EncodingApi {
  return requireFromHere(ENCODING_MODULES[encoding]) as typeof EncodingApi;
}

const cache = new Map<EncodingName, Tokenizer>();

/**
 * Counts of longer texts are remembered by content: a bundle counts the same outputs, sentences and
 * rendered items again and again (every preview, every attempt, every allocation pass), and byte-pair
 * encoding them was most of what assembly spent its time on.
 */
const COUNT_MEMO = { minLength: 48, maxChars: 32_000_000 };

/** A tokenizer for one encoding. Instances are shared: gpt-tokenizer keeps a merge cache per encoding. */
export function tokenizerForEncoding(encoding: EncodingName): Tokenizer {
  const cached = cache.get(encoding);
  if (cached) return cached;
  const api = loadEncoding(encoding);
  const counts = new TextMemo((text) => (text === "" ? 0 : api.countTokens(text, PLAIN_TEXT)), COUNT_MEMO);
  const count = (text: string) => counts.get(text);
  const tokenizer: Tokenizer = {
    count,
    truncate: (text, maxTokens) => {
      if (maxTokens <= 0) return "";
      // Cheap exit: a text within the limit is returned as is, without decoding.
      if (count(text) <= maxTokens) return text;
      // Tokens can end inside a character; keep only what the decoded tokens share with the text, whole.
      const decoded = api.decode(api.encode(text, PLAIN_TEXT).slice(0, maxTokens));
      let shared = 0;
      while (shared < decoded.length && decoded.charCodeAt(shared) === text.charCodeAt(shared)) shared++;
      if (shared > 0 && isHighSurrogate(text.charCodeAt(shared - 1))) shared--;
      let prefix = text.slice(0, shared);
      // Re-encoding a decoded prefix can merge differently; shorten until it truly fits.
      while (prefix.length > 0 && api.countTokens(prefix, PLAIN_TEXT) > maxTokens)
        prefix = prefix.slice(0, -1);
      return prefix;
    },
  };
  cache.set(encoding, tokenizer);
  return tokenizer;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The tokenizer of a model (see `encodingForModel` for the families and the fallback). */
export function tokenizerForModel(model: string): Tokenizer {
  return tokenizerForEncoding(encodingForModel(model));
}

/** Used for models this table does not know: small enough to be safe with llama-class local models. */
export const DEFAULT_CONTEXT_WINDOW = 8192;

/** Context windows by model-name prefix, longest prefix first wins. Tokens, input and output together. */
const CONTEXT_WINDOWS: ReadonlyArray<readonly [string, number]> = [
  ["gpt-5", 400_000],
  ["gpt-4.1", 1_047_576],
  ["gpt-4.5", 128_000],
  ["gpt-4o", 128_000],
  ["chatgpt-4o", 128_000],
  ["gpt-4-turbo", 128_000],
  ["gpt-4-1106", 128_000],
  ["gpt-4-0125", 128_000],
  ["gpt-4-32k", 32_768],
  ["gpt-4", 8_192],
  ["gpt-3.5-turbo-instruct", 4_096],
  ["gpt-3.5", 16_385],
  ["o1-mini", 128_000],
  ["o1", 200_000],
  ["o3", 200_000],
  ["o4", 200_000],
  ["gpt-oss", 131_072],
  ["llama3.1", 131_072],
  ["llama3.2", 131_072],
  ["llama3.3", 131_072],
  ["llama-3.1", 131_072],
  ["llama-3.2", 131_072],
  ["llama-3.3", 131_072],
  ["llama3", 8_192],
  ["qwen2.5", 32_768],
  ["qwen3", 32_768],
  ["mistral-nemo", 128_000],
  ["mistral", 32_768],
  ["gemma3", 131_072],
  ["gemma2", 8_192],
  ["phi4", 16_384],
  ["phi3", 4_096],
];

/**
 * The context window of a model in tokens; `DEFAULT_CONTEXT_WINDOW` (8192) when unknown. Local servers
 * often run a model with a smaller window than it supports (Ollama's default `num_ctx` is lower): a plan
 * sets `context.budget` explicitly for those.
 */
export function contextWindowFor(model: string): number {
  const name = baseModelName(model).replace(/:.*$/, "");
  let best: readonly [string, number] | undefined;
  for (const entry of CONTEXT_WINDOWS) {
    if (name.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? best[1] : DEFAULT_CONTEXT_WINDOW;
}
