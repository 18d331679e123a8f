import fs from "node:fs";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@taskloom/llm/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliSandbox } from "./cli-harness.ts";

let sandbox: CliSandbox;
let server: FakeOpenAIServer;
beforeEach(async () => {
  sandbox = new CliSandbox();
  server = await startFakeOpenAIServer();
});
afterEach(async () => {
  sandbox.cleanup();
  await server.close();
});

const proposal = JSON.stringify({
  plan: "onboarding",
  tasks: {
    accounts: { kind: "shell", run: "echo create accounts" },
    welcome: { kind: "llm", prompt: "Write the welcome email.", requires: ["accounts"] },
  },
});

describe("taskloom draft", () => {
  it("writes the model's validated plan to a file that validates and imports", async () => {
    server.reply({ type: "chat", content: proposal });
    const env = { TASKLOOM_LLM_BASE_URL: server.baseURL, TASKLOOM_LLM_MODEL: "llama3.2" };
    const result = await sandbox.run(["draft", "Onboard a new hire", "-o", "plan.yaml"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("wrote plan.yaml: plan onboarding with 2 tasks");
    expect(fs.readFileSync(`${sandbox.dir}/plan.yaml`, "utf8")).toContain("requires: [accounts]");
    expect((await sandbox.run(["validate", "plan.yaml"])).code).toBe(0);

    server.reply({ type: "chat", content: proposal });
    const json = await sandbox.run(["draft", "Onboard a new hire", "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ slug: "onboarding", requests: 1 });
  });

  it("exits 2 on an empty goal and 1, naming the variables, without a provider", async () => {
    const empty = await sandbox.run(["draft", "  "], { TASKLOOM_LLM_BASE_URL: server.baseURL });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("error: the goal is empty: say what the plan should achieve\n");
    const dry = await sandbox.run(["draft", "Onboard a new hire"]);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(
      /^error: drafting a plan from a goal needs an LLM provider: set TASKLOOM_LLM_BASE_URL/,
    );
    expect(dry.stdout).toBe("");
  });
});
