"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "../ui/class-names.ts";
import { WorkerStatus } from "./worker-status.tsx";

const NAV = [
  { href: "/plans", label: "Plans" },
  { href: "/runs", label: "Runs" },
  { href: "/approvals", label: "Approvals" },
  { href: "/schedules", label: "Schedules" },
  { href: "/queues", label: "Queues" },
  { href: "/workers", label: "Workers" },
] as const;

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
      <rect width="24" height="24" rx="6" className="fill-indigo-600" />
      <circle cx="7" cy="12" r="2.2" fill="white" />
      <circle cx="17" cy="7" r="2.2" fill="white" />
      <circle cx="17" cy="17" r="2.2" fill="white" />
      <path d="M9 11.2 15 7.8M9 12.8l6 3.4" stroke="white" strokeWidth="1.6" />
    </svg>
  );
}

export function AppHeader({ authEnabled }: { authEnabled: boolean }) {
  const pathname = usePathname();
  return (
    <header className="flex h-12 shrink-0 items-center gap-6 border-b border-slate-200 bg-white px-4">
      <Link
        href="/plans"
        className="flex items-center gap-2 text-[15px] font-semibold tracking-tight text-slate-900"
      >
        <Logo />
        Taskloom
      </Link>
      <nav aria-label="Main" className="flex items-center gap-1">
        {NAV.map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={cx(
                "rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors",
                active
                  ? "bg-slate-100 text-slate-900"
                  : "text-slate-500 hover:bg-slate-50 hover:text-slate-800",
              )}
            >
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="ml-auto flex items-center gap-3">
        <WorkerStatus />
        {authEnabled && (
          <form method="post" action="/api/logout">
            <button
              type="submit"
              className="rounded-md px-2 py-1 text-xs font-medium text-slate-500 hover:bg-slate-100 hover:text-slate-800"
            >
              Sign out
            </button>
          </form>
        )}
      </div>
    </header>
  );
}
