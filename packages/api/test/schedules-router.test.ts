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

  it("previews a schedule as it is typed: next fire times when valid, the plan-file issues when not", async () => {
    const { api } = test;
    const preview = await api.schedules.preview({
      planSlug: "demo",
      schedule: { cron: "30 9 * * 1-5", timezone: "Europe/Paris", params: { target: "prod" } },
    });
    expect(preview.issues).toEqual([]);
    expect(preview.description).toBe("cron 30 9 * * 1-5 (Europe/Paris)");
    expect(preview.upcoming).toHaveLength(5);
    // 09:30 in Paris is 08:30 or 07:30 UTC, on weekdays only.
    for (const at of preview.upcoming) {
      const date = new Date(at);
      expect([7, 8]).toContain(date.getUTCHours());
      expect(date.getUTCMinutes()).toBe(30);
      expect([1, 2, 3, 4, 5]).toContain(date.getUTCDay());
    }
    const bad = await api.schedules.preview({ planSlug: "demo", schedule: { cron: "61 * * * *" } });
    expect(bad).toMatchObject({ description: null, upcoming: [] });
    expect(bad.issues.map((issue) => [issue.path, issue.code])).toEqual([["cron", "invalid_value"]]);
    const fields = await api.schedules.preview({ planSlug: "demo", schedule: { cron: "* * *" } });
    expect(fields.issues[0]?.message).toContain("5 fields");
    const past = await api.schedules.preview({ planSlug: "demo", schedule: { at: "2001-01-01T00:00:00Z" } });
    expect(past.issues.map((issue) => issue.path)).toEqual(["at"]);
    // Nothing was stored.
    expect(await api.schedules.list()).toHaveLength(1);
    expect((await failure(api.schedules.preview({ planSlug: "nope", schedule: { every: "1h" } }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("previews an edit with the schedule's kept next fire time, and replaces a schedule whole", async () => {
    const { api } = test;
    const [nightly] = await api.schedules.list();
    const same = await api.schedules.preview({
      planSlug: "demo",
      ref: "demo/nightly",
      schedule: { name: "nightly", cron: "0 2 * * *", overlap: "allow" },
    });
    expect(same.upcoming.slice(0, 3)).toEqual(nightly?.upcoming);
    const elsewhere = await failure(
      api.schedules.preview({ planSlug: "other", ref: "demo/nightly", schedule: { every: "1h" } }),
    );
    expect(elsewhere.code).toBe("BAD_REQUEST");
    const created = await api.schedules.create({
      planSlug: "demo",
      schedule: { name: "paris", cron: "0 8 * * *", timezone: "Europe/Paris", params: { target: "prod" } },
    });
    // A partial update keeps what it does not name (the timezone, the params)...
    const patched = await api.schedules.update({ ref: created.id, schedule: { cron: "0 9 * * *" } });
    expect(patched).toMatchObject({ rule: { timezone: "Europe/Paris" }, params: { target: "prod" } });
    // ...a replace is the whole schedule: what it leaves out goes back to its default.
    const replaced = await api.schedules.update({
      ref: created.id,
      schedule: { name: "paris", cron: "0 9 * * *", missed: "catchup-one" },
      replace: true,
    });
    expect(replaced).toMatchObject({
      description: "cron 0 9 * * *",
      params: {},
      missed: "catchup-one",
      rule: { timezone: null },
    });
  });
});
