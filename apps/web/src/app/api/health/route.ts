import { Taskloom } from "@taskloom/api";

export const dynamic = "force-dynamic";

export async function GET() {
  const t = Taskloom.open({ databaseUrl: "file:/tmp/probe-web.db" });
  const plans = await t.queries.listPlans();
  return Response.json({ ok: true, location: t.database.location, plans: plans.length });
}
