export * from "./backoff.ts";
export * from "./errors.ts";
export * from "./graph/index.ts";
export * from "./plan-file/index.ts";
export * from "./ports.ts";
export * from "./state-machine.ts";
export * from "./template.ts";
export * from "./types.ts";
