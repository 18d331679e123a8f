#!/usr/bin/env node
// The workspace packages export TypeScript source; tsx's loader compiles it on the fly.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
