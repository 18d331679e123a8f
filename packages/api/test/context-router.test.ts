import { describe, expect, it } from "vitest";
import { failure, useTestApi } from "./test-api.ts";

const plan = `
plan: brief
index: "Prices are in euros."
documents:
  spec: { title: Pricing spec, text: "Team costs 49 euros per seat per month." }
  old: { title: Old spec, text: "Team cost 30 euros per seat. Superseded." }
notes: { audience: CFO }
tasks:
  facts: { kind: noop, result: "Competitor A charges 55 euros per seat." }
  scratch: { kind: noop, result: "a scratch pad about onboarding" }
  write:
    kind: llm
    prompt: "Write a brief on the Team price against Competitor A."
    requires: [facts]
    context: { budget: 1000 }
  plain: { kind: noop }
`;

const write = { planSlug: "brief", taskKey: "write" };
const test = useTestApi("context-router", (api) => api.plans.import({ text: plan }));

type Preview = Awaited<ReturnType<typeof test.api.context.preview>>;
const item = (state: Preview, ref: string) => state.items.find((i) => i.ref === ref);

describe("context router", () => {
  it("previews the bundle with tiers, tokens, decisions and the budget", async () => {
    const { api } = test;
    const state = await api.context.preview(write);
    expect(state).toMatchObject({
      task: "write",
      plan: "brief",
      budget: 1000,
      approval: null,
      overrides: [],
    });
    expect(state.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(item(state, "index")).toMatchObject({ tier: "index", decision: "full" });
    expect(item(state, "index")?.tokens).toBeGreaterThan(0);
    expect(state.usedTokens).toBeLessThanOrEqual(state.budget);
    expect(state.prompt).toContain("Competitor A");
  });

  it("pins, excludes and unpins items, and each changes the preview", async () => {
    const { api } = test;
    await api.context.pin({ ...write, ref: "doc:old" });
    let state = await api.context.preview(write);
    expect(item(state, "doc:old")).toMatchObject({ tier: "pinned", decision: "full", reason: "pinned" });
    expect(state.overrides).toEqual([{ ref: "doc:old", action: "pin" }]);

    await api.context.exclude({ ...write, ref: "note:audience" });
    state = await api.context.preview(write);
    expect(item(state, "note:audience")).toMatchObject({ decision: "excluded", tokens: 0 });
    expect(item(state, "note:audience")?.reason).toContain("excluded by user");

    await api.context.unpin({ ...write, ref: "doc:old" });
    state = await api.context.preview(write);
    expect(item(state, "doc:old")?.tier).not.toBe("pinned");
    await api.context.clear(write);
    expect((await api.context.preview(write)).overrides).toEqual([]);
  });

  it("refuses refs that name nothing, and tasks that are not llm tasks, with BAD_REQUEST", async () => {
    const { api } = test;
    expect(await failure(api.context.pin({ ...write, ref: "doc:nope" }))).toEqual({
      code: "BAD_REQUEST",
      message: "unknown document in doc:nope: plan brief has no document nope",
    });
    expect((await failure(api.context.pin({ ...write, ref: "file:x" }))).code).toBe("BAD_REQUEST");
    expect((await failure(api.context.exclude({ ...write, ref: "task:write" }))).message).toContain(
      "cannot put its own output",
    );
    const plain = await failure(api.context.preview({ planSlug: "brief", taskKey: "plain" }));
    expect(plain).toEqual({
      code: "BAD_REQUEST",
      message: "task plain is a noop task; only llm tasks have a context",
    });
    expect((await failure(api.context.preview({ planSlug: "brief", taskKey: "ghost" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("searches documents, notes and other tasks' outputs, by title and by text", async () => {
    const { api, taskloom } = test;
    await taskloom.run("brief");
    const all = await api.context.search({ ...write, query: "" });
    expect(all.map((hit) => hit.ref)).toEqual([
      "index",
      "doc:old",
      "doc:spec",
      "note:audience",
      "task:facts",
      "task:scratch",
      "task:plain",
    ]);
    const onboarding = await api.context.search({ ...write, query: "onboarding" });
    expect(onboarding.map((hit) => hit.ref)).toEqual(["task:scratch"]);
    expect(onboarding[0]?.snippet).toContain("onboarding");
    const byTitle = await api.context.search({ ...write, query: "old spec" });
    expect(byTitle[0]).toMatchObject({ ref: "doc:old", type: "document", title: "Old spec" });
  });

  it("approves the bundle, and says it is stale and what changed once an input changes", async () => {
    const { api } = test;
    const { hash } = await api.context.approve(write);
    let state = await api.context.preview(write);
    expect(state.approval).toMatchObject({ hash, upToDate: true, changes: null });
    expect(state.hash).toBe(hash);

    const { version } = await api.plans.get({ slug: "brief" });
    await api.context.documents.set({
      planSlug: "brief",
      key: "spec",
      title: "Pricing spec",
      text: "Team costs 59 euros per seat per month from January.",
      create: false,
      baseVersion: version,
    });
    state = await api.context.preview(write);
    expect(state.approval?.upToDate).toBe(false);
    expect(state.approval?.hash).toBe(hash);
    expect(state.approval?.changes).toContain("doc:spec");
    expect(item(state, "doc:spec")?.text).toContain("59 euros");
  });

  it("moves a task's pins, excludes and approval when the editor renames it, and deletes them with it", async () => {
    const { api } = test;
    await api.context.pin({ ...write, ref: "doc:old" });
    await api.context.exclude({ ...write, ref: "note:audience" });
    const { hash } = await api.context.approve(write);
    const task = {
      kind: "llm",
      prompt: "Write a brief on the Team price against Competitor A.",
      requires: ["facts"],
      context: { budget: 1000 },
    };
    const steering = [
      { ref: "doc:old", action: "pin" },
      { ref: "note:audience", action: "exclude" },
    ];
    const opened = (await api.plans.get({ slug: "brief" })).version;
    const renamed = await api.tasks.upsert({
      planSlug: "brief",
      key: "brief-writer",
      originalKey: "write",
      task,
      baseVersion: opened,
    });
    const moved = await api.context.preview({ planSlug: "brief", taskKey: "brief-writer" });
    expect(moved.overrides).toEqual(steering);
    expect(item(moved, "doc:old")?.tier).toBe("pinned");
    expect(moved.approval?.hash).toBe(hash);

    await api.tasks.delete({ planSlug: "brief", key: "brief-writer", baseVersion: renamed.version });
    // A task of the old or the renamed key added again starts with no steering.
    for (const key of ["write", "brief-writer"]) {
      const { version } = await api.plans.get({ slug: "brief" });
      await api.tasks.upsert({ planSlug: "brief", key, task, baseVersion: version });
      const fresh = await api.context.preview({ planSlug: "brief", taskKey: key });
      expect(fresh.overrides).toEqual([]);
      expect(fresh.approval).toBeNull();
    }
  });
});

describe("documents and notes editors", () => {
  it("adds, edits and removes documents and notes as plan versions the context sees", async () => {
    const { api } = test;
    const v1 = (await api.plans.get({ slug: "brief" })).version;
    const added = await api.context.documents.set({
      planSlug: "brief",
      key: "faq",
      title: "FAQ",
      text: "Discounts: non-profits get 30 percent.",
      create: true,
      baseVersion: v1,
    });
    expect(added.version).toBe(v1 + 1);
    const view = await api.plans.get({ slug: "brief" });
    expect(view.documents.map((doc) => doc.key)).toEqual(["spec", "old", "faq"]);
    expect((await api.context.search({ ...write, query: "non-profits" }))[0]?.ref).toBe("doc:faq");

    const noted = await api.context.notes.set({
      planSlug: "brief",
      key: "deadline",
      value: "Friday",
      create: true,
      baseVersion: added.version,
    });
    expect((await api.plans.get({ slug: "brief" })).notes).toEqual({ audience: "CFO", deadline: "Friday" });
    expect(item(await api.context.preview(write), "note:deadline")).toBeDefined();

    const removed = await api.context.documents.delete({
      planSlug: "brief",
      key: "faq",
      baseVersion: noted.version,
    });
    await api.context.notes.delete({ planSlug: "brief", key: "deadline", baseVersion: removed.version });
    const after = await api.context.preview(write);
    expect(item(after, "doc:faq")).toBeUndefined();
    expect(item(after, "note:deadline")).toBeUndefined();
    expect((await api.plans.export({ slug: "brief", format: "yaml" })).text).not.toContain("faq");
  });

  it("refuses a stale base version, a taken key, an unknown one and a document a task still pins", async () => {
    const { api } = test;
    const { version } = await api.plans.get({ slug: "brief" });
    const edit = { planSlug: "brief", key: "spec", title: "Spec", text: "x", create: false };
    await api.context.documents.set({ ...edit, baseVersion: version });
    expect((await failure(api.context.documents.set({ ...edit, baseVersion: version }))).code).toBe(
      "CONFLICT",
    );
    const current = version + 1;
    expect(
      (await failure(api.context.documents.set({ ...edit, create: true, baseVersion: current }))).message,
    ).toBe("document `spec` already exists");
    expect(
      (await failure(api.context.notes.delete({ planSlug: "brief", key: "nope", baseVersion: current })))
        .code,
    ).toBe("NOT_FOUND");
    expect(
      (
        await failure(
          api.context.documents.set({ ...edit, key: "Bad Key!", create: true, baseVersion: current }),
        )
      ).code,
    ).toBe("BAD_REQUEST");

    await api.plans.import({
      text: plan.replace("context: { budget: 1000 }", "context: { budget: 1000 }\n    pin: [doc:old]"),
    });
    const pinned = (await api.plans.get({ slug: "brief" })).version;
    const refused = await failure(
      api.context.documents.delete({ planSlug: "brief", key: "old", baseVersion: pinned }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("old");
  });
});
