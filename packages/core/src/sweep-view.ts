import type { TaskRunDetail } from "./read-model.ts";

/**
 * A run's task runs as readers show them: each swept task once, with its points (in point order) under it,
 * instead of the points as task runs of their own. Other task runs keep their order.
 */
export interface SweepTaskView<T extends TaskRunDetail = TaskRunDetail> {
  task: T;
  /** The sweep's points in point order; absent for a task without a sweep. */
  points?: T[];
}

export function groupSweepPoints<T extends TaskRunDetail>(tasks: readonly T[]): SweepTaskView<T>[] {
  const points = new Map<string, T[]>();
  for (const task of tasks) {
    if (!task.point) continue;
    const list = points.get(task.point.taskKey) ?? [];
    list.push(task);
    points.set(task.point.taskKey, list);
  }
  return tasks
    .filter((task) => !task.point)
    .map((task) => {
      if (!task.sweep) return { task };
      const list = points.get(task.key) ?? [];
      list.sort((a, b) => (a.point?.index ?? 0) - (b.point?.index ?? 0));
      return { task, points: list };
    });
}

/** The `points` of a swept task in the CLI's and the API's JSON: params, status, attempts and output. */
export function pointsJson(points: readonly TaskRunDetail[]) {
  return points.map((point) => ({
    index: point.point?.index ?? 0,
    key: point.key,
    params: point.point?.params ?? {},
    status: point.status,
    attempts: point.attempts,
    durationMs:
      point.startedAt !== null && point.finishedAt !== null ? point.finishedAt - point.startedAt : null,
    output: point.outputJson ?? point.outputText,
    error: point.error,
  }));
}
