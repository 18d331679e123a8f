#!/usr/bin/env node
// The dashboard's server entry (server.ts) and the workspace packages it reads are TypeScript source:
// tsx's loader compiles them on the fly. `taskloom start` and the package's start/dev scripts run this file.
import { register } from "tsx/esm/api";

register();
await import("../server.ts");
