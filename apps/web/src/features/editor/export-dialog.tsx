"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { CopyIcon, DownloadIcon } from "../../components/ui/icons.tsx";
import { SegmentedControl } from "../../components/ui/segmented-control.tsx";
import { ErrorState, LoadingState } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { useTRPC } from "../../trpc/react.tsx";

/** The plan as a plan file (YAML or JSON) that imports back to the same plan: copy it or download it. */
export function ExportDialog({
  planSlug,
  open,
  onClose,
}: {
  planSlug: string;
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const [format, setFormat] = useState<"yaml" | "json">("yaml");
  const exported = useQuery({
    ...trpc.plans.export.queryOptions({ slug: planSlug, format }),
    enabled: open,
    staleTime: 0,
  });

  function download() {
    if (!exported.data) return;
    const blob = new Blob([exported.data.text], {
      type: format === "yaml" ? "application/yaml" : "application/json",
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `${planSlug}.${format === "yaml" ? "yaml" : "json"}`;
    link.click();
    URL.revokeObjectURL(url);
  }

  async function copy() {
    if (!exported.data) return;
    try {
      await navigator.clipboard.writeText(exported.data.text);
      toast.success("Copied to the clipboard");
    } catch {
      toast.error("Could not copy", "The browser refused clipboard access; select the text instead.");
    }
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title="Export plan"
      description={`taskloom plan import ${planSlug}.${format} brings it back.`}
      footer={
        <>
          <Button icon={<CopyIcon size={14} />} onClick={() => void copy()} disabled={!exported.data}>
            Copy
          </Button>
          <Button
            variant="primary"
            icon={<DownloadIcon size={14} />}
            onClick={download}
            disabled={!exported.data}
          >
            Download .{format}
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <SegmentedControl
          label="Format"
          options={["yaml", "json"] as const}
          value={format}
          onChange={setFormat}
          optionClassName="px-3 uppercase"
        />
        {exported.isPending ? (
          <LoadingState label="Exporting…" />
        ) : exported.isError ? (
          <ErrorState
            title="Could not export"
            error={exported.error}
            onRetry={() => void exported.refetch()}
          />
        ) : (
          <pre
            data-testid="export-text"
            className="max-h-[50vh] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-[13px] leading-5 text-slate-100"
          >
            {exported.data.text}
          </pre>
        )}
      </div>
    </Dialog>
  );
}
