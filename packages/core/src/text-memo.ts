/**
 * Values computed from a text (its token count, hash, sentences), remembered by the text's content.
 * Bundles of a plan compute them for the same outputs again and again; looking a string up costs a hash of
 * it, far less than tokenizing or splitting it. Texts shorter than `minLength` are computed every time
 * (cheaper than a lookup). Bounded by the characters of the texts held: when `maxChars` would be passed,
 * everything is dropped (a plan's working set is rebuilt on the next bundle).
 */
export class TextMemo<V> {
  readonly #compute: (text: string) => V;
  readonly #minLength: number;
  readonly #maxChars: number;
  #values = new Map<string, V>();
  #chars = 0;

  constructor(compute: (text: string) => V, options: { minLength: number; maxChars: number }) {
    this.#compute = compute;
    this.#minLength = options.minLength;
    this.#maxChars = options.maxChars;
  }

  get(text: string): V {
    if (text.length < this.#minLength) return this.#compute(text);
    const known = this.#values.get(text);
    if (known !== undefined) return known;
    const value = this.#compute(text);
    if (this.#chars + text.length > this.#maxChars) {
      this.#values = new Map();
      this.#chars = 0;
    }
    this.#values.set(text, value);
    this.#chars += text.length;
    return value;
  }
}
