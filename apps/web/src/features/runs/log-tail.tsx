"use client";

import { Fragment, useLayoutEffect, useRef, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { Spinner } from "../../components/ui/spinner.tsx";
import { firstSeq, streamOf } from "../../logs/log-buffer.ts";
import { useLogTail } from "./use-log-tail.ts";

const STREAM_CLASSES = {
  stdout: "text-slate-100",
  stderr: "text-rose-300",
  system: "text-sky-300 italic",
} as const;

/** Within this many pixels of the bottom, the view sticks to new lines. */
const STICK_PX = 24;

/**
 * The live log of a task: stdout, stderr and system lines as plain text (never HTML), following new lines
 * while the reader is at the bottom, loading older pages when they scroll to the top.
 */
export function LogTailView({
  runId,
  taskKey,
  following,
}: {
  runId: string;
  taskKey: string;
  following: boolean;
}) {
  const { buffer, loading, loadingOlder, error, loadOlder } = useLogTail(runId, taskKey, following);
  const scroller = useRef<HTMLPreElement>(null);
  const [stuck, setStuck] = useState(true);
  // Keeps the reading position when older chunks are put above it.
  // Only a change of the first chunk is that page arriving (new lines may be appended meanwhile).
  const beforePrepend = useRef<{ height: number; first: number | undefined } | null>(null);
  const markPrepend = () => {
    const element = scroller.current;
    if (element) beforePrepend.current = { height: element.scrollHeight, first: firstSeq(buffer) };
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const mark = beforePrepend.current;
    if (mark !== null && firstSeq(buffer) !== mark.first) {
      element.scrollTop += element.scrollHeight - mark.height;
      beforePrepend.current = null;
    } else if (stuck) {
      element.scrollTop = element.scrollHeight;
    }
  }, [buffer, stuck]);

  const onScroll = () => {
    const element = scroller.current;
    if (element === null) return;
    setStuck(element.scrollHeight - element.scrollTop - element.clientHeight < STICK_PX);
    if (element.scrollTop < 40 && buffer.hasOlder && !loadingOlder) {
      markPrepend();
      loadOlder();
    }
  };

  const empty = !loading && buffer.chunks.length === 0;
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <pre
        ref={scroller}
        onScroll={onScroll}
        data-testid="log-tail"
        role="log"
        aria-label={`Log of ${taskKey}`}
        // A scrollable region must be reachable by keyboard to be scrolled.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users need to focus it
        tabIndex={0}
        className="min-h-40 flex-1 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 break-words whitespace-pre-wrap"
      >
        {buffer.hasOlder && (
          <span className="mb-2 block text-center text-slate-500">
            {loadingOlder ? (
              "Loading older lines…"
            ) : (
              <button
                type="button"
                className="underline underline-offset-2 hover:text-slate-300"
                onClick={() => {
                  markPrepend();
                  loadOlder();
                }}
              >
                Load older lines
              </button>
            )}
          </span>
        )}
        {loading && (
          <span className="flex items-center gap-2 text-slate-400">
            <Spinner size={12} /> Reading the log…
          </span>
        )}
        {empty && <span className="text-slate-500">{following ? "Waiting for output…" : "No output."}</span>}
        {buffer.chunks.map((chunk, index) => {
          const previous = buffer.chunks[index - 1];
          const newAttempt = previous !== undefined && previous.attempt !== chunk.attempt;
          return (
            <Fragment key={chunk.seq}>
              {newAttempt && (
                <span className="my-1 block border-t border-slate-700 pt-1 text-slate-500">
                  ── attempt {chunk.attempt} ──
                </span>
              )}
              <span className={STREAM_CLASSES[streamOf(chunk)]} data-stream={streamOf(chunk)}>
                {chunk.text}
              </span>
            </Fragment>
          );
        })}
        {error && <span className="block text-rose-400">Could not read the log: {error}</span>}
      </pre>
      {!stuck && buffer.chunks.length > 0 && (
        <Button
          size="sm"
          className={cx("absolute right-3 bottom-3 shadow-md")}
          onClick={() => {
            setStuck(true);
            const element = scroller.current;
            if (element) element.scrollTop = element.scrollHeight;
          }}
        >
          {following ? "Follow new lines" : "Jump to the end"}
        </Button>
      )}
    </div>
  );
}
