"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { EMPTY_LOG_BUFFER, firstSeq, type LogBuffer, lastSeq, mergeChunks } from "../../logs/log-buffer.ts";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPCClient } from "../../trpc/react.tsx";

const PAGE = 500;
/**
 * How often the open task's log is read for new lines while it runs. Logs are not on the event stream (one
 * event per output chunk would flood the audit trail), so the tail follows by offset: one indexed read of the
 * chunks after the last seq, for the one task the person is looking at. With the worker's log flush (every
 * 100 ms) this shows streamed LLM tokens within ~250 ms of their arrival.
 */
const FOLLOW_EVERY_MS = 150;

export interface LogTail {
  buffer: LogBuffer;
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
  loadOlder: () => void;
}

/**
 * A task's log: the tail first, new chunks while `following` (the task is still going), older pages on
 * demand. Reads are pages by sequence number, so a chunk is never shown twice or skipped.
 */
export function useLogTail(runId: string, taskKey: string, following: boolean): LogTail {
  const client = useTRPCClient();
  const [buffer, setBuffer] = useState<LogBuffer>(EMPTY_LOG_BUFFER);
  const [loading, setLoading] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bufferRef = useRef(buffer);
  bufferRef.current = buffer;
  // Responses for a task that is no longer shown are dropped.
  const generation = useRef(0);

  useEffect(() => {
    const current = ++generation.current;
    setBuffer(EMPTY_LOG_BUFFER);
    setLoading(true);
    setError(null);
    client.logs.read
      .query({ runId, taskKey, limit: PAGE })
      .then((page) => {
        if (generation.current !== current) return;
        const first = page.chunks[0];
        setBuffer(
          mergeChunks(EMPTY_LOG_BUFFER, page.chunks, {
            olderExist: first !== undefined && page.firstSeq !== null && first.seq > page.firstSeq,
          }),
        );
      })
      .catch((cause: unknown) => {
        if (generation.current === current) setError(errorMessage(cause));
      })
      .finally(() => {
        if (generation.current === current) setLoading(false);
      });
  }, [client, runId, taskKey]);

  // Follow: read what came after the last chunk, until the task is done (then once more, for the end).
  useEffect(() => {
    if (loading) return;
    const current = generation.current;
    let stopped = false;
    const readNew = async () => {
      try {
        const after = lastSeq(bufferRef.current) ?? 0;
        const page = await client.logs.read.query({ runId, taskKey, afterSeq: after, limit: 2000 });
        if (generation.current === current && !stopped)
          setBuffer((existing) => mergeChunks(existing, page.chunks));
      } catch {
        // A missed read is retried at the next tick.
      }
    };
    if (!following) {
      void readNew();
      return;
    }
    // One read in flight at most: the next is timed from the end of the last, so a slow server is not piled on.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const follow = () => {
      timer = setTimeout(() => {
        void readNew().then(() => {
          if (!stopped) follow();
        });
      }, FOLLOW_EVERY_MS);
    };
    follow();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, runId, taskKey, following, loading]);

  const loadOlder = useCallback(() => {
    const before = firstSeq(bufferRef.current);
    if (before === undefined || loadingOlder) return;
    const current = generation.current;
    setLoadingOlder(true);
    client.logs.read
      .query({ runId, taskKey, beforeSeq: before, limit: PAGE })
      .then((page) => {
        if (generation.current !== current) return;
        const first = page.chunks[0];
        const olderExist = first !== undefined && page.firstSeq !== null && first.seq > page.firstSeq;
        setBuffer((existing) => mergeChunks(existing, page.chunks, { olderExist, keep: "oldest" }));
      })
      .catch((cause: unknown) => setError(errorMessage(cause)))
      .finally(() => setLoadingOlder(false));
  }, [client, runId, taskKey, loadingOlder]);

  return { buffer, loading, loadingOlder, error, loadOlder };
}
