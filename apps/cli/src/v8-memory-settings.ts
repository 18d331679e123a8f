import v8 from "node:v8";

/**
 * How V8 spends memory in a CLI process, set before any command runs. A CLI process is a coordinator: its live
 * heap stays small (the plan, the run's task keys: ~45 MB in a heap snapshot taken mid-way through a
 * 20,000-task run), it allocates a great deal that dies young (YAML parse trees, claim rows, events), and it
 * shares the machine with the task processes it starts. Both settings only change when V8 does work, never
 * what a process may hold: the heap limit stays V8's, so no plan is too big to run because of them.
 */
export function applyCliMemorySettings(): void {
  // V8 tiers a WebAssembly function up to TurboFan once it has run about 1.8 MB worth of code. Prisma's query
  // compiler (a multi-megabyte wasm module) crosses that while it loads the schema and plans its first
  // queries, and optimizing it cost 60–80 MB resident (code and compiler zones: `taskloom run` of one task
  // peaked at ~200 MB with it, ~120 MB without) plus CPU at start. The CLI sends Prisma only a few queries,
  // all off the hot path (plan context, schedules, drafts, listings; claim and complete are raw SQL), so the
  // optimized code never pays for itself. A budget about 55× larger leaves them on the baseline tier and still
  // lets a truly hot function tier up in a long-lived worker. V8 reads the flag when a module is compiled, which
  // is after this (Prisma loads when a command opens the engine). The web server is its own process and keeps
  // V8's default.
  v8.setFlagsFromString("--wasm-tiering-budget=100000000");
  // Between two full collections V8 lets a small heap grow up to 4× what the last one kept, a trade for
  // throughput made for long-lived pages and servers. Here the growth was garbage: heapUsed reached 113 MB
  // while 45 MB were live, and the YAML parse of a 20,000-task plan took the heap to 145 MB for ~50 MB live,
  // so `taskloom run` peaked 25–50 MB higher than with a 25 % growth factor. The extra full collections cost
  // about 5 % of the process's CPU time on that run (much of it on V8's concurrent-marking thread), with no
  // change in its run time beyond the noise.
  v8.setFlagsFromString("--heap-growing-percent=25");
}
