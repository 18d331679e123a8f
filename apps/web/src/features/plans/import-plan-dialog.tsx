"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { validatePlanText } from "@taskloom/core";
import { useRouter } from "next/navigation";
import { type ChangeEvent, type DragEvent, useDeferredValue, useMemo, useRef, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { cx } from "../../components/ui/class-names.ts";
import { Dialog } from "../../components/ui/dialog.tsx";
import { UploadIcon } from "../../components/ui/icons.tsx";
import { MessageText } from "../../components/ui/message-text.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage, type PlanIssueData, planIssuesOf } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";

/** Plan files bigger than this are refused before reading: the server takes up to 5 MB of text. */
const MAX_FILE_BYTES = 5_000_000;

function IssueList({ issues }: { issues: readonly PlanIssueData[] }) {
  return (
    <ul
      className="mt-1 flex max-h-40 flex-col gap-1 overflow-y-auto font-mono text-xs"
      data-testid="import-issues"
    >
      {issues.map((issue) => (
        <li key={`${issue.line ?? ""}:${issue.path}:${issue.message}`}>
          {issue.line !== undefined && <span className="text-rose-500">line {issue.line} · </span>}
          {issue.path && <span className="font-semibold">{issue.path}: </span>}
          <MessageText>{issue.message}</MessageText>
        </li>
      ))}
    </ul>
  );
}

export function ImportPlanDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  // Validation runs on every keystroke of a possibly large file: deferred, so typing stays smooth.
  const deferredText = useDeferredValue(text);
  const local = useMemo(() => {
    if (deferredText.trim() === "") return null;
    const format = fileName?.endsWith(".json") || deferredText.trimStart().startsWith("{") ? "json" : "yaml";
    return validatePlanText(deferredText, { format });
  }, [deferredText, fileName]);

  const importPlan = useMutation(
    trpc.plans.import.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.plans.pathKey() });
        toast.success(
          result.changed ? `Imported ${result.slug}` : `${result.slug} is unchanged`,
          result.changed ? `Now at version ${result.version}.` : "The stored plan already matches this file.",
        );
        close();
        router.push(`/plans/${result.slug}`);
      },
    }),
  );
  const serverIssues = planIssuesOf(importPlan.error);

  function close() {
    setText("");
    setFileName(null);
    setFileError(null);
    importPlan.reset();
    onClose();
  }

  async function readFile(file: File) {
    setFileError(null);
    if (file.size > MAX_FILE_BYTES) {
      setFileError(`${file.name} is larger than 5 MB.`);
      return;
    }
    setFileName(file.name);
    setText(await file.text());
    importPlan.reset();
  }

  function onFileChange(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) void readFile(file);
    event.target.value = "";
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void readFile(file);
  }

  const valid = local?.ok === true;

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Import a plan file"
      description="Paste YAML or JSON, or upload a file. Importing a plan that exists updates it (a new version)."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!valid}
            busy={importPlan.isPending}
            onClick={() => importPlan.mutate({ text })}
          >
            Import
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        {/* Dropping is a mouse gesture by nature; the keyboard path is the "Choose file" button inside. */}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target, with a button for keyboard users */}
        <div
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={cx(
            "flex items-center justify-between gap-3 rounded-lg border border-dashed px-4 py-3 text-sm",
            dragging ? "border-indigo-400 bg-indigo-50" : "border-slate-300 bg-slate-50",
          )}
        >
          <span className="text-slate-600">
            {fileName ? (
              <>
                Loaded <span className="font-mono font-medium text-slate-800">{fileName}</span>
              </>
            ) : (
              "Drop a .yaml, .yml or .json file here"
            )}
          </span>
          <Button size="sm" icon={<UploadIcon size={12} />} onClick={() => fileInput.current?.click()}>
            Choose file
          </Button>
          <input
            ref={fileInput}
            type="file"
            accept=".yaml,.yml,.json,application/json,text/yaml"
            className="sr-only"
            tabIndex={-1}
            aria-label="Plan file"
            onChange={onFileChange}
          />
        </div>
        <label htmlFor="import-text" className="sr-only">
          Plan file text
        </label>
        <textarea
          id="import-text"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            importPlan.reset();
          }}
          spellCheck={false}
          rows={16}
          placeholder={"plan: my-plan\ntasks:\n  hello:\n    run: echo hello"}
          className="block w-full resize-y rounded-md border-0 bg-slate-900 px-3 py-2 font-mono text-[13px] leading-5 text-slate-100 placeholder:text-slate-500 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
        />
        {fileError && <Callout>{fileError}</Callout>}
        {local !== null && !local.ok && (
          <Callout
            title={`${local.issues.length} problem${local.issues.length === 1 ? "" : "s"} in this plan file`}
          >
            <IssueList issues={local.issues} />
          </Callout>
        )}
        {local?.ok && !importPlan.error && (
          <Callout tone="info">
            Valid plan <span className="font-mono font-semibold">{local.plan.slug}</span> with{" "}
            {local.plan.tasks.length} task{local.plan.tasks.length === 1 ? "" : "s"}.
          </Callout>
        )}
        {importPlan.error && (
          <Callout title="The server refused this plan">
            {serverIssues ? <IssueList issues={serverIssues} /> : errorMessage(importPlan.error)}
          </Callout>
        )}
      </div>
    </Dialog>
  );
}
