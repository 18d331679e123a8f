import { expect, it } from "vitest";
import { slugify, slugProblem } from "./slug.ts";

it("suggests slugs from names", () => {
  expect(slugify("Nightly ETL (v2)")).toBe("nightly-etl-v2");
  expect(slugify("  Café — données ")).toBe("cafe-donnees");
  expect(slugify("---")).toBe("");
});

it("explains bad slugs", () => {
  expect(slugProblem("ok-slug")).toBeNull();
  expect(slugProblem("-bad")).toMatch(/lowercase/);
  expect(slugProblem("")).toMatch(/required/);
});
