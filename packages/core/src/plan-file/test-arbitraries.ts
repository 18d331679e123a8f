/**
 * fast-check arbitraries for plan-file tests (test support only; not exported from the package).
 */
import fc from "fast-check";
import type { ParamValue, PlanDefinition, RetryPolicy, TaskDefinition, TaskSpec } from "../types.ts";

const notReserved = (name: string): boolean => name !== "__proto__";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";

/** A word: one character of `first`, then up to `maxRest` characters of `rest` (cheaper than stringMatching). */
function word(first: string, rest: string, maxRest: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...first), fc.string({ unit: fc.constantFrom(...rest), maxLength: maxRest }))
    .map(([head, tail]) => head + tail);
}

export const slugArbitrary = word(LOWER + DIGITS, `${LOWER}${DIGITS}-`, 20);
export const taskKeyArbitrary = word(`${LOWER}${DIGITS}_-`, `${LOWER}${DIGITS}_-`, 9).filter(notReserved);
const paramNameArbitrary = word(`${LOWER}${UPPER}_`, `${LOWER}${UPPER}${DIGITS}_`, 8).filter(notReserved);
const envNameArbitrary = word(`${UPPER}_`, `${UPPER}${DIGITS}_`, 8).filter(notReserved);
const headerNameArbitrary = word(LOWER, `${LOWER}${DIGITS}-`, 12);
const programArbitrary = word(`${LOWER}./`, `${LOWER}./`, 7);

/** Any text: full unicode graphemes, ASCII control characters, newlines and YAML-looking words. */
export const textArbitrary = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary-ascii", maxLength: 20 }),
  fc.constantFrom(
    "true",
    "null",
    "~",
    "123",
    "0x1F",
    "1e3",
    "- a",
    "a: b",
    "#x",
    "'q'",
    '"',
    " lead",
    "trail ",
    "a\nb\n",
  ),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }).map((lines) => lines.join("\n")),
  fc.string({ unit: fc.constantFrom(" ", "\n", "\t", "\r", "a", "#", ":", "-"), maxLength: 12 }),
);

const nonEmptyTextArbitrary = textArbitrary.filter((text) => text.length > 0);

const finite = (value: number): number => (value === 0 ? 0 : value);

export const paramValueArbitrary: fc.Arbitrary<ParamValue> = fc.oneof(
  textArbitrary,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(finite),
  fc.boolean(),
);

const paramsArbitrary = fc.dictionary(paramNameArbitrary, paramValueArbitrary, { maxKeys: 3 });

/** Text with `{{ }}` references drawn from `references` and no other braces. */
function templatedArbitrary(references: readonly string[]): fc.Arbitrary<string> {
  const plain = textArbitrary.map((text) => text.replace(/[{}]/g, ""));
  const pieces = references.length === 0 ? plain : fc.oneof(plain, fc.constantFrom(...references));
  return fc.array(pieces, { maxLength: 4 }).map((parts) => parts.join(""));
}

const retryArbitrary: fc.Arbitrary<RetryPolicy> = fc.record({
  max: fc.nat({ max: 10 }),
  backoff: fc.constantFrom("fixed", "exponential"),
  delayMs: fc.oneof(fc.constant(1_000), fc.nat({ max: 10_000_000 })),
  maxDelayMs: fc.oneof(fc.constant(60_000), fc.nat({ max: 100_000_000 })),
  jitter: fc.oneof(fc.constant(0.2), fc.double({ min: 0, max: 1, noNaN: true }).map(finite)),
});

function specArbitrary(references: readonly string[]): fc.Arbitrary<TaskSpec> {
  const templated = templatedArbitrary(references);
  const shell = fc.record({
    kind: fc.constant("shell" as const),
    run: fc.oneof(
      templated.filter((text) => text.trim() !== ""),
      fc
        .tuple(programArbitrary, fc.array(templated, { maxLength: 3 }))
        .map(([program, args]) => [program, ...args]),
    ),
    env: fc.dictionary(envNameArbitrary, templated, { maxKeys: 3 }),
    cwd: fc.option(
      templated.filter((text) => text !== ""),
      { nil: null },
    ),
  });
  const http = fc.record({
    kind: fc.constant("http" as const),
    method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"),
    url: templated.map((path) => `http://127.0.0.1:8080/${path}`),
    headers: fc.dictionary(headerNameArbitrary, templated, { maxKeys: 3 }),
    body: fc.option(templated, { nil: null }),
  });
  const noop = fc.record({
    kind: fc.constant("noop" as const),
    output: fc
      .option(fc.jsonValue({ maxDepth: 3 }), { nil: null })
      .map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  });
  return fc.oneof(shell, http, noop);
}

function taskArbitrary(
  key: string,
  earlier: readonly string[],
  others: readonly string[],
  planParams: readonly string[],
  slugReferences: readonly string[],
): fc.Arbitrary<TaskDefinition> {
  return fc
    .record({
      name: fc.option(nonEmptyTextArbitrary, { nil: undefined }),
      params: paramsArbitrary,
      requires: fc.subarray([...earlier]),
      refers: fc.subarray([...others]),
      priority: fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 })),
      queue: fc.constantFrom("default", "fast", "slow lane"),
      retry: retryArbitrary,
      timeoutMs: fc.option(fc.integer({ min: 1, max: 1_000_000_000 }), { nil: null }),
      output: fc.constantFrom("text" as const, "json" as const),
    })
    .chain((task) => {
      const references = [
        ...[...planParams, ...Object.keys(task.params)].map((name) => `{{params.${name}}}`),
        ...task.requires.map((upstream) => `{{ tasks.${upstream}.output }}`),
        ...slugReferences,
      ];
      return specArbitrary(references).map(
        (spec): TaskDefinition => ({
          key,
          name: task.name ?? key,
          kind: spec.kind,
          spec,
          params: task.params,
          requires: task.requires,
          refers: task.refers,
          priority: task.priority,
          queue: task.queue,
          retry: task.retry,
          timeoutMs: task.timeoutMs,
          output: task.output,
        }),
      );
    });
}

/** Valid plan definitions with every default applied, as the validator would produce them. */
export const planArbitrary: fc.Arbitrary<PlanDefinition> = fc
  .record({
    slug: slugArbitrary,
    name: fc.option(nonEmptyTextArbitrary, { nil: undefined }),
    goal: textArbitrary,
    index: textArbitrary,
    params: paramsArbitrary,
    keys: fc.uniqueArray(taskKeyArbitrary, { maxLength: 6 }),
  })
  .chain((plan) => {
    const tasks = plan.keys.map((key, index) =>
      taskArbitrary(
        key,
        plan.keys.slice(0, index),
        plan.keys.filter((other) => other !== key),
        Object.keys(plan.params),
        ["{{run.id}}", "{{plan.slug}}"],
      ),
    );
    return fc.tuple(...tasks).map(
      (definitions): PlanDefinition => ({
        slug: plan.slug,
        name: plan.name ?? plan.slug,
        goal: plan.goal,
        index: plan.index,
        params: plan.params,
        tasks: definitions,
      }),
    );
  });
