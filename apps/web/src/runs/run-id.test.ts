import { expect, it } from "vitest";
import { shortRunId } from "./run-id.ts";

it("keeps a prefix that tells apart runs started together", () => {
  expect(shortRunId("run_mwqjhtnz2ab164182971")).toBe("run_mwqjhtnz2ab1");
  expect(shortRunId("run_short")).toBe("run_short");
});
