import { approvalsRouter } from "./router/approvals.ts";
import { contextRouter } from "./router/context.ts";
import { draftsRouter } from "./router/drafts.ts";
import { eventsRouter } from "./router/events.ts";
import { linksRouter } from "./router/links.ts";
import { logsRouter } from "./router/logs.ts";
import { plansRouter } from "./router/plans.ts";
import { queuesRouter } from "./router/queues.ts";
import { runsRouter } from "./router/runs.ts";
import { schedulesRouter } from "./router/schedules.ts";
import { snapshotsRouter } from "./router/snapshots.ts";
import { taskRunsRouter } from "./router/task-runs.ts";
import { tasksRouter } from "./router/tasks.ts";
import { workersRouter } from "./router/workers.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  plans: plansRouter,
  tasks: tasksRouter,
  links: linksRouter,
  runs: runsRouter,
  logs: logsRouter,
  events: eventsRouter,
  schedules: schedulesRouter,
  queues: queuesRouter,
  context: contextRouter,
  snapshots: snapshotsRouter,
  workers: workersRouter,
  taskRuns: taskRunsRouter,
  approvals: approvalsRouter,
  drafts: draftsRouter,
});

export type AppRouter = typeof appRouter;
