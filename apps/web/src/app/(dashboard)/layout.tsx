import { connection } from "next/server";
import type { ReactNode } from "react";
import { AppHeader } from "../../components/app-shell/app-header.tsx";
import { webEnv } from "../../env.ts";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Whether sign-out makes sense depends on the server's runtime configuration, not the build's.
  await connection();
  const authEnabled = webEnv().authToken !== undefined;
  return (
    <>
      <AppHeader authEnabled={authEnabled} />
      <main className="flex min-h-0 flex-1 flex-col">{children}</main>
    </>
  );
}
