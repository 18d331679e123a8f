import type { AttemptSnapshot } from "./snapshot-types.ts";

type ReplayOrigin = NonNullable<AttemptSnapshot["replayOf"]>;

function AnswerColumn({
  title,
  text,
  testId,
}: {
  title: React.ReactNode;
  text: string | null;
  testId: string;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <p className="text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{title}</p>
      <pre
        className="max-h-48 overflow-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-[11px] whitespace-pre-wrap text-slate-800"
        data-testid={testId}
      >
        {text ?? "No output (yet)."}
      </pre>
    </div>
  );
}

/**
 * A replay's answer beside the original's: the replay sent the original attempt's snapshot exactly, so a
 * difference between the two is the model's, not the context's.
 */
export function ReplayComparison({ origin }: { origin: ReplayOrigin }) {
  return (
    <div className="flex flex-col gap-1 text-xs text-slate-600" data-testid="replay-of">
      <p>
        Replay: sent the stored snapshot of run{" "}
        <a className="font-mono text-indigo-700 hover:underline" href={`/runs/${origin.runId}`}>
          {origin.runId}
        </a>{" "}
        attempt {origin.attempt}, exactly; only this task ran again.
      </p>
      <div className="grid grid-cols-2 gap-2" data-testid="replay-comparison">
        <AnswerColumn
          title={`Original · attempt ${origin.attempt}`}
          text={origin.originalOutput}
          testId="replay-original-output"
        />
        <AnswerColumn title="Replay · this run" text={origin.replayOutput} testId="replay-output" />
      </div>
    </div>
  );
}
