"use client";
import { validatePlanObject, wouldCreateCycle } from "@taskloom/core";

export function Probe() {
  const r = validatePlanObject({ plan: "x", tasks: { a: { run: "echo" } } });
  return <p>{String(r.ok)} {JSON.stringify(wouldCreateCycle(["a", "b"], [["a", "b"]], "b", "a"))}</p>;
}
