import { ProviderRequiredError } from "@taskloom/core";
import { DryRunProvider, OpenAICompatibleProvider } from "@taskloom/llm";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlanDrafter } from "./plan-drafter.ts";

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAIServer();
});
afterEach(async () => {
  await server.close();
});

const drafter = () =>
  new PlanDrafter({
    provider: new OpenAICompatibleProvider({ baseURL: server.baseURL, model: "gpt-4o-mini" }),
  });

const proposal = (tasks: Record<string, unknown>) =>
  JSON.stringify({ plan: "launch-brief", name: "Launch brief", goal: "Brief the launch", tasks });

const valid = proposal({
  collect: { kind: "shell", name: "Collect prices", run: "curl -s https://example.com/prices" },
  summarize: { kind: "llm", prompt: "Summarize the prices for the CFO.", requires: ["collect"] },
});

describe("PlanDrafter against an OpenAI-compatible server", () => {
  it("turns a valid JSON answer into a validated plan and a plan file", async () => {
    server.reply({ type: "chat", content: valid });
    const draft = await drafter().draft("  Brief the CFO on the launch prices  ");
    expect(draft.requests).toBe(1);
    expect(draft.definition.slug).toBe("launch-brief");
    expect(draft.definition.tasks.map((t) => [t.key, t.kind, t.requires])).toEqual([
      ["collect", "shell", []],
      ["summarize", "llm", ["collect"]],
    ]);
    expect(draft.yaml).toContain("plan: launch-brief");
    expect(draft.yaml).toContain("requires: [collect]");
    const sent = server.requests[0]?.body as {
      messages: Array<{ content: string }>;
      response_format?: unknown;
    };
    expect(sent.messages.at(-1)?.content).toBe("Goal: Brief the CFO on the launch prices");
    expect(sent.response_format).toEqual({ type: "json_object" });
  });

  it("repairs an invalid answer once, quoting the validation problems", async () => {
    server.reply(
      { type: "chat", content: proposal({ summarize: { kind: "llm", prompt: "x", requires: ["missing"] } }) },
      { type: "chat", content: `\`\`\`json\n${valid}\n\`\`\`` },
    );
    const draft = await drafter().draft("Brief the launch");
    expect(draft.requests).toBe(2);
    expect(draft.definition.tasks).toHaveLength(2);
    const repair = server.requests[1]?.body as { messages: Array<{ role: string; content: string }> };
    expect(repair.messages.at(-1)?.content).toMatch(/tasks\.summarize\.requires.*missing/);
  });

  it("rejects a cyclic proposal that stays cyclic after the repair", async () => {
    const cyclic = proposal({
      a: { kind: "noop", requires: ["c"] },
      b: { kind: "noop", requires: ["a"] },
      c: { kind: "noop", requires: ["b"] },
    });
    server.reply({ type: "chat", content: cyclic }, { type: "chat", content: "not json at all" });
    const failure = drafter().draft("Loop forever");
    await expect(failure).rejects.toMatchObject({ code: "BAD_INPUT" });
    await expect(failure).rejects.toThrow(/not JSON/);
    const repair = server.requests[1]?.body as { messages: Array<{ content: string }> };
    expect(repair.messages.at(-1)?.content).toMatch(/cycle: /);
  });

  it("refuses an empty goal without asking the model", async () => {
    await expect(drafter().draft("   ")).rejects.toMatchObject({ code: "BAD_INPUT" });
    expect(server.requests).toHaveLength(0);
  });

  it("needs a provider: the dry run gives a typed error, never a made-up plan", async () => {
    const dry = new PlanDrafter({ provider: new DryRunProvider() });
    expect(dry.available).toBe(false);
    const failure = dry.draft("Brief the launch");
    await expect(failure).rejects.toBeInstanceOf(ProviderRequiredError);
    await expect(failure).rejects.toThrow(/TASKLOOM_LLM_BASE_URL/);
  });
});
