import type { ReadModel } from "@taskloom/core";
import { LogQueries } from "./log-queries.ts";
import { PlanQueries } from "./plan-queries.ts";
import type { ReadConnection } from "./read-connection.ts";
import { RunQueries } from "./run-queries.ts";
import { WorkerQueries } from "./worker-queries.ts";

/** The read side of one database: one query class per domain, behind the `ReadModel` port of `core`. */
export function createReadModel(connection: ReadConnection): ReadModel {
  const plans = new PlanQueries(connection);
  const runs = new RunQueries(connection);
  const logs = new LogQueries(connection);
  const workers = new WorkerQueries(connection);
  return {
    listPlans: () => plans.listPlans(),
    listTasks: (planSlug) => plans.listTasks(planSlug),
    listRuns: (input) => runs.listRuns(input),
    searchRuns: (filter) => runs.searchRuns(filter),
    getRun: (runId) => runs.getRun(runId),
    auditTrail: (runId) => runs.auditTrail(runId),
    runGrid: (planSlug, limit) => runs.runGrid(planSlug, limit),
    definitionChange: (runId, taskKey) => runs.definitionChange(runId, taskKey),
    resolveRunId: (idOrPrefix) => runs.resolveRunId(idOrPrefix),
    planOfRun: (runId) => runs.planOfRun(runId),
    readLogs: (range) => logs.readLogs(range),
    searchLog: (search) => logs.searchLog(search),
    listWorkers: () => workers.listWorkers(),
  };
}
