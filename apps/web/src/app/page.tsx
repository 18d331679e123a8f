import { findCycle } from "@taskloom/core";
import { Probe } from "./probe";

export default function Home() {
  return (
    <main className="p-8 text-xl font-semibold text-sky-700">
      Taskloom {JSON.stringify(findCycle(["a", "b"], [["a", "b"], ["b", "a"]]))}
      <Probe />
    </main>
  );
}
