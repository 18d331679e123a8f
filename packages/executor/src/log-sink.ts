import type { ExecutionRequest, LogStream } from "./execution.ts";

export type LogSink = (stream: LogStream, text: string) => void;

/**
 * The request's `onLog`, made safe to call from stream and timer callbacks: an exception there would be
 * uncaught and take the whole worker down, so it is swallowed. Empty text is not delivered.
 */
export function logSinkOf(req: ExecutionRequest): LogSink {
  const onLog = req.onLog;
  if (!onLog) return () => {};
  return (stream, text) => {
    if (text === "") return;
    try {
      onLog(stream, text);
    } catch {
      // The sink is the caller's; a failure to record a log line must not fail or crash the attempt.
    }
  };
}

/** A `system` line: the executor's own account of what it did, newline-terminated like process output. */
export function systemLine(log: LogSink, text: string): void {
  log("system", `${text}\n`);
}
