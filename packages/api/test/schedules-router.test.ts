import { describe, expect, it } from "vitest";
import { failure, useTestApi } from "./test-api.ts";

const test = useTestApi("schedules-router", (api) =>
  api.plans.import({
    text: "plan: demo\nparams: { target: dev }\ntasks:\n  a: { kind: noop }\nschedules:\n  - { name: nightly, cron: '0 2 * * *' }\n",
  }),
);

describe("schedules router", () => {
  it("lists schedules of every plan and of one plan, with their next fire times", async () => {
    const { api } = test;
    const [nightly] = await api.schedules.list();
    expect(nightly).toMatchObject({ planSlug: "demo", name: "nightly", source: "file", enabled: true });
    expect(nightly?.upcoming).toHaveLength(3);
    expect(await api.schedules.byPlan({ planSlug: "demo" })).toEqual([nightly]);
    expect((await failure(api.schedules.byPlan({ planSlug: "nope" }))).code).toBe("NOT_FOUND");
  });

  it("creates, updates, pauses, resumes, triggers and removes", async () => {
    const { api } = test;
    const created = await api.schedules.create({
      planSlug: "demo",
      schedule: { name: "often", every: "5m", params: { target: "prod" }, overlap: "allow" },
    });
    expect(created).toMatchObject({ source: "api", overlap: "allow", params: { target: "prod" } });
    const updated = await api.schedules.update({ ref: created.id, schedule: { every: "10m" } });
    expect(updated.description).toBe("every 10m");
    expect((await api.schedules.pause({ ref: "demo/often" })).enabled).toBe(false);
    expect((await api.schedules.resume({ ref: "demo/often" })).enabled).toBe(true);
    const { runId } = await api.schedules.trigger({ ref: "demo/often" });
    expect((await api.runs.get({ runId })).trigger).toBe("schedule");
    await api.schedules.remove({ ref: "demo/often" });
    expect((await api.schedules.list()).map((s) => s.name)).toEqual(["nightly"]);
  });

  it("answers bad schedules with BAD_REQUEST and the plan-file issues, duplicates with CONFLICT", async () => {
    const { api } = test;
    const bad = await failure(
      api.schedules.create({ planSlug: "demo", schedule: { every: "soon", missed: "never", extra: 1 } }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.issues?.map((issue) => [issue.path, issue.code]).sort()).toEqual([
      ["every", "invalid_duration"],
      ["extra", "unknown_field"],
      ["missed", "invalid_value"],
    ]);
    const duplicate = await failure(
      api.schedules.create({ planSlug: "demo", schedule: { name: "nightly", every: "1h" } }),
    );
    expect(duplicate.code).toBe("CONFLICT");
    expect((await failure(api.schedules.trigger({ ref: "demo/none" }))).code).toBe("NOT_FOUND");
  });
});
