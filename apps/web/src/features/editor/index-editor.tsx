"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { SegmentedControl } from "../../components/ui/segmented-control.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { MarkdownView } from "../../markdown/markdown-view.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { usePlanVersion } from "./plan-version.ts";
import { useEditBase } from "./use-edit-base.ts";

/** The plan's INDEX document: the conventions every task follows (and, later, LLM tasks' first context). */
export function IndexEditor({
  planSlug,
  index,
  planVersion,
}: {
  planSlug: string;
  index: string;
  planVersion: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const version = usePlanVersion(planSlug);
  const edit = useEditBase(index, planVersion);
  const { value: text, setValue: setText, dirty, baseVersion } = edit;
  const [mode, setMode] = useState<"write" | "preview">(index === "" ? "write" : "preview");

  const save = useMutation(
    trpc.plans.update.mutationOptions({
      onSuccess: async (saved, input) => {
        version.saved(saved);
        edit.saved(saved.version, input.index);
        await queryClient.invalidateQueries({ queryKey: trpc.plans.get.queryKey({ slug: planSlug }) });
        toast.success("INDEX saved");
      },
    }),
  );

  return (
    <div className="flex h-full min-h-0 flex-col gap-3">
      <div className="flex items-center justify-between">
        <SegmentedControl
          label="Editor mode"
          options={["write", "preview"] as const}
          value={mode}
          onChange={setMode}
          optionClassName="capitalize"
        />
        <div className="flex items-center gap-2">
          {dirty && <span className="text-xs text-amber-700">Unsaved changes</span>}
          <Button size="sm" onClick={edit.revert} disabled={!dirty}>
            Revert
          </Button>
          <Button
            size="sm"
            variant="primary"
            disabled={!dirty}
            busy={save.isPending}
            onClick={() => save.mutate({ slug: planSlug, index: text, baseVersion })}
          >
            Save
          </Button>
        </div>
      </div>
      {save.error && <Callout title="Not saved">{errorMessage(save.error)}</Callout>}
      {mode === "write" ? (
        <>
          <label htmlFor="index-document" className="sr-only">
            INDEX document (Markdown)
          </label>
          <textarea
            id="index-document"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if ((event.metaKey || event.ctrlKey) && event.key === "s") {
                event.preventDefault();
                if (dirty) save.mutate({ slug: planSlug, index: text, baseVersion });
              }
            }}
            spellCheck
            placeholder={"# Conventions\n\nWhat every task of this plan must know: formats, paths, owners."}
            className="min-h-64 flex-1 resize-none rounded-md border-0 bg-white p-3 font-mono text-[13px] leading-5 shadow-xs ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-500 focus:outline-none"
          />
          <p className="text-xs text-slate-500">Markdown. Ctrl/⌘ + S saves.</p>
        </>
      ) : (
        <div
          data-testid="index-preview"
          className="min-h-0 flex-1 overflow-y-auto rounded-md bg-white p-3 ring-1 ring-slate-200 ring-inset"
        >
          {text.trim() === "" ? (
            <p className="text-sm text-slate-400">The INDEX is empty.</p>
          ) : (
            <MarkdownView source={text} />
          )}
        </div>
      )}
    </div>
  );
}
