import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { buttonClass } from "../../components/ui/button.tsx";
import { controlClass } from "../../components/ui/field.tsx";
import { webEnv } from "../../env.ts";
import { safeNextPath } from "../../server/auth.ts";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

interface Props {
  searchParams: Promise<{ next?: string | string[]; error?: string | string[]; retry?: string | string[] }>;
}

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : null);
  if (webEnv().authToken === undefined) redirect(next);
  const failed = params.error !== undefined;
  const retrySeconds = typeof params.retry === "string" ? Number.parseInt(params.retry, 10) : Number.NaN;
  const problem =
    params.error === "throttled"
      ? `Too many wrong tokens from this address: try again in ${Number.isFinite(retrySeconds) ? `${retrySeconds} s` : "a minute"}.`
      : "That token is not right.";
  return (
    <main className="flex flex-1 items-center justify-center px-4">
      <form
        method="post"
        action="/api/login"
        className="flex w-full max-w-sm flex-col gap-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <div>
          <h1 className="text-lg font-semibold">Sign in to Taskloom</h1>
          <p className="mt-1 text-sm text-slate-500">
            This server asks for its access token (TASKLOOM_AUTH_TOKEN).
          </p>
        </div>
        <input type="hidden" name="next" value={next} />
        <div className="flex flex-col gap-1">
          <label htmlFor="token" className="text-xs font-medium text-slate-700">
            Access token
          </label>
          <input
            id="token"
            name="token"
            type="password"
            required
            autoComplete="current-password"
            // biome-ignore lint/a11y/noAutofocus: the only field of the page
            autoFocus
            aria-invalid={failed || undefined}
            aria-describedby={failed ? "token-error" : undefined}
            className={controlClass(failed)}
          />
          {failed && (
            <p id="token-error" role="alert" className="text-xs text-rose-600">
              {problem}
            </p>
          )}
        </div>
        <button type="submit" className={buttonClass("primary")}>
          Sign in
        </button>
      </form>
    </main>
  );
}
