import { describe, expect, it } from "vitest";
import { renderTemplate, type TemplateContext, templateReferences } from "./template.ts";

const context = (json: unknown, output: string | null = JSON.stringify(json)): TemplateContext => ({
  params: { day: "mon" },
  tasks: { gate: { output, json } },
  run: { id: "run_1" },
  plan: { slug: "p" },
});

describe("templates", () => {
  it("reads a field of an upstream's JSON output: strings as they are, other values as JSON", () => {
    const approved = context({ who: "ana", count: 3, flags: { fast: true }, list: ["a", { b: null }] });
    expect(renderTemplate("{{tasks.gate.output.who}} x{{ tasks.gate.output.count }}", approved)).toBe(
      "ana x3",
    );
    expect(renderTemplate("{{tasks.gate.output.flags}}", approved)).toBe('{"fast":true}');
    expect(renderTemplate("{{tasks.gate.output.list.0}}/{{tasks.gate.output.list.1.b}}", approved)).toBe(
      "a/null",
    );
    expect(renderTemplate("{{tasks.gate.output}} on {{params.day}}", context("plain", "plain"))).toBe(
      "plain on mon",
    );
  });

  it("says which field is missing and what the output is instead", () => {
    const approved = context({ who: "ana", flags: { fast: true } });
    expect(() => renderTemplate("{{tasks.gate.output.whom}}", approved)).toThrow(
      "{{tasks.gate.output.whom}}: the output of `gate` has no `whom` (it is an object with `who`, `flags`)",
    );
    expect(() => renderTemplate("{{tasks.gate.output.flags.slow}}", approved)).toThrow(
      "has no `slow` at `flags` (it is an object with `fast`)",
    );
    expect(() => renderTemplate("{{tasks.gate.output.who}}", context(null, "not json"))).toThrow(
      "has no `who` (it is not JSON, or null)",
    );
    expect(() => renderTemplate("{{tasks.gate.output.list.2}}", context({ list: [1] }))).toThrow(
      "has no `2` at `list` (it is a list of 1)",
    );
  });

  it("parses field references, and leaves an empty segment unknown", () => {
    expect(templateReferences("{{tasks.a.output.x.1}} {{tasks.a.output.}} {{tasks.a.output..x}}")).toEqual([
      { type: "task-output-field", key: "a", path: ["x", "1"], raw: "tasks.a.output.x.1" },
      { type: "unknown", raw: "tasks.a.output." },
      { type: "unknown", raw: "tasks.a.output..x" },
    ]);
  });
});
