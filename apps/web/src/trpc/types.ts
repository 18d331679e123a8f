import type { AppRouter } from "@taskloom/api";
import type { inferRouterOutputs } from "@trpc/server";

export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type PlanListItem = RouterOutputs["plans"]["list"][number];
export type PlanView = RouterOutputs["plans"]["get"];
export type PlanTask = PlanView["tasks"][number];
export type RunDetail = RouterOutputs["runs"]["get"];
export type RunTask = RunDetail["tasks"][number];
export type RunSummary = RouterOutputs["runs"]["list"]["items"][number];
