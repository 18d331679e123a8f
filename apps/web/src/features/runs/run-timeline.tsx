"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { statusStyle } from "../../components/status/status-style.ts";
import { cx } from "../../components/ui/class-names.ts";
import { useNow } from "../../components/ui/time.tsx";
import { formatElapsed } from "../../graph/run-progress.ts";
import { buildTimeline, type TimelineTask, timelineTicks } from "../../runs/timeline.ts";

const ROW_HEIGHT = 24;
const LABEL_WIDTH = 168;
/** Rows drawn beyond the visible ones, so a quick scroll does not show blanks. */
const OVERSCAN = 8;

/**
 * The run as a Gantt chart: a row per task, a bar per attempt (failed attempts and retries side by side).
 * Only the visible rows are rendered, so a 1,000-task run scrolls smoothly.
 */
export function RunTimeline({
  tasks,
  live,
  selectedKey,
  onSelect,
}: {
  tasks: readonly TimelineTask[];
  live: boolean;
  selectedKey: string | null;
  onSelect: (key: string) => void;
}) {
  const now = useNow(500, live);
  const timeline = useMemo(() => buildTimeline(tasks, now), [tasks, now]);
  const ticks = useMemo(() => timelineTicks(timeline.start, timeline.end), [timeline.start, timeline.end]);
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 200 });

  const started = timeline.rows.some((row) => row.bars.length > 0);
  // The scroller exists once a task started; observe it from then on.
  useEffect(() => {
    const element = started ? scroller.current : null;
    if (element === null) return;
    const observer = new ResizeObserver(() =>
      setViewport({ top: element.scrollTop, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [started]);

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(
    timeline.rows.length,
    Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN,
  );

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="run-timeline">
      <div className="flex shrink-0 border-b border-slate-200 text-[11px] text-slate-500">
        <div style={{ width: LABEL_WIDTH }} className="shrink-0 px-3 py-1">
          Task
        </div>
        <div className="relative mr-3 flex-1">
          {started &&
            ticks.map((tick) => (
              <span
                key={tick.at}
                className={cx(
                  "absolute top-1 tabular-nums",
                  tick.offset > 0.9 ? "-translate-x-full" : tick.offset > 0 ? "-translate-x-1/2" : "",
                )}
                style={{ left: `${tick.offset * 100}%` }}
              >
                {formatElapsed(tick.at)}
              </span>
            ))}
        </div>
      </div>
      {!started ? (
        <p className="px-3 py-4 text-sm text-slate-500">No task has started yet.</p>
      ) : (
        <div
          ref={scroller}
          onScroll={(event) =>
            setViewport({ top: event.currentTarget.scrollTop, height: event.currentTarget.clientHeight })
          }
          className="relative min-h-0 flex-1 overflow-y-auto"
        >
          <ul
            aria-label="Timeline"
            style={{ height: timeline.rows.length * ROW_HEIGHT }}
            className="relative"
          >
            {timeline.rows.slice(first, last).map((row, offset) => {
              const index = first + offset;
              const selected = row.key === selectedKey;
              return (
                <li
                  key={row.key}
                  style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
                  className="absolute inset-x-0"
                >
                  <button
                    type="button"
                    onClick={() => onSelect(row.key)}
                    aria-current={selected || undefined}
                    className={cx(
                      "flex h-full w-full items-center text-left hover:bg-slate-50",
                      selected && "bg-indigo-50 hover:bg-indigo-50",
                    )}
                  >
                    <span
                      style={{ width: LABEL_WIDTH }}
                      className="shrink-0 truncate px-3 font-mono text-[11px] text-slate-700"
                    >
                      {row.key}
                    </span>
                    <span className="relative mr-3 h-3.5 flex-1">
                      {ticks.map((tick) => (
                        <span
                          key={tick.at}
                          className="absolute inset-y-[-5px] w-px bg-slate-100"
                          style={{ left: `${tick.offset * 100}%` }}
                        />
                      ))}
                      {row.bars.map((bar) => (
                        <span
                          key={bar.attempt}
                          title={`${row.key} · attempt ${bar.attempt} · ${bar.status} · ${formatElapsed((bar.finishedAt ?? now) - bar.startedAt)}`}
                          className={cx(
                            "absolute inset-y-0 rounded-sm",
                            statusStyle(bar.status).bar,
                            bar.finishedAt === null && "animate-status-pulse",
                          )}
                          style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }}
                        />
                      ))}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
