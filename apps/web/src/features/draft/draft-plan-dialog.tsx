"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type PlanDefinition, validatePlanText } from "@taskloom/core";
import { Background, type Edge, MarkerType, type Node, ReactFlow } from "@xyflow/react";
import { useRouter } from "next/navigation";
import { useDeferredValue, useMemo, useState } from "react";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Callout } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toaster.tsx";
import { errorMessage } from "../../trpc/errors.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { layoutDraft } from "./draft-layout.ts";

/** The proposal as a graph, every node dashed: nothing of it is stored until it is approved. */
function DraftGraph({ plan }: { plan: PlanDefinition }) {
  const { nodes, edges } = useMemo(() => {
    const layout = layoutDraft(plan);
    return {
      nodes: layout.nodes.map(
        (node): Node => ({
          id: node.key,
          position: { x: node.x, y: node.y },
          data: { label: `${node.label} · ${node.kind}` },
          draggable: false,
          className: "!rounded-lg !border-2 !border-dashed !border-amber-500 !bg-amber-50 !text-xs",
        }),
      ),
      edges: layout.edges.map(
        (edge): Edge => ({
          id: `${edge.from}->${edge.to}`,
          source: edge.from,
          target: edge.to,
          style: { strokeDasharray: "6 4" },
          markerEnd: { type: MarkerType.ArrowClosed },
        }),
      ),
    };
  }, [plan]);
  return (
    <div className="h-64 rounded-lg border border-dashed border-amber-400" data-testid="draft-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}

/**
 * "Draft plan from goal": the person writes a goal, the model proposes a plan (validated on the server),
 * shown as a draft graph with its plan file. The person edits the file (the graph follows), then approves
 * it (imported like any plan file) or discards it. With the dry-run provider the dialog says what to set.
 */
export function DraftPlanDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const availability = useQuery({ ...trpc.plans.draftAvailability.queryOptions(), enabled: open });
  const [goal, setGoal] = useState("");
  const [yaml, setYaml] = useState<string | null>(null);

  const draft = useMutation(
    trpc.plans.draftFromGoal.mutationOptions({ onSuccess: (result) => setYaml(result.yaml) }),
  );
  const approve = useMutation(
    trpc.plans.import.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.plans.pathKey() });
        toast.success(`Created ${result.slug}`, "The approved draft is now a plan.");
        close();
        router.push(`/plans/${result.slug}`);
      },
    }),
  );

  const deferred = useDeferredValue(yaml);
  const checked = useMemo(() => (deferred === null ? null : validatePlanText(deferred)), [deferred]);

  function close() {
    setGoal("");
    setYaml(null);
    draft.reset();
    approve.reset();
    onClose();
  }

  const unavailable = availability.data?.available === false;
  const proposing = yaml !== null;

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Draft plan from goal"
      description="The model proposes tasks and their requires links; you review and edit the draft before it becomes a plan."
      footer={
        proposing ? (
          <>
            <Button
              onClick={() => {
                setYaml(null);
                approve.reset();
              }}
            >
              Discard draft
            </Button>
            <Button
              variant="primary"
              disabled={checked?.ok !== true}
              busy={approve.isPending}
              onClick={() => approve.mutate({ text: yaml })}
            >
              Approve and create plan
            </Button>
          </>
        ) : (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button
              variant="primary"
              disabled={unavailable || goal.trim() === ""}
              busy={draft.isPending}
              onClick={() => draft.mutate({ goal })}
            >
              Draft plan
            </Button>
          </>
        )
      }
    >
      {proposing ? (
        <div className="flex flex-col gap-3">
          <div
            className="rounded-md border border-dashed border-amber-500 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900"
            data-testid="draft-banner"
          >
            Draft — not saved. Edit the plan file below; approve to create the plan, or discard it.
          </div>
          {checked?.ok ? (
            <DraftGraph plan={checked.plan} />
          ) : (
            checked && (
              <Callout title="This draft does not validate">
                {checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}
              </Callout>
            )
          )}
          <label htmlFor="draft-yaml" className="text-xs font-medium text-slate-600">
            Plan file (draft)
          </label>
          <textarea
            id="draft-yaml"
            value={yaml}
            onChange={(event) => {
              setYaml(event.target.value);
              approve.reset();
            }}
            spellCheck={false}
            rows={12}
            className="block w-full resize-y rounded-md border-2 border-dashed border-amber-400 bg-slate-900 px-3 py-2 font-mono text-[13px] leading-5 text-slate-100 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
          />
          {approve.error && (
            <Callout title="The server refused this plan">{errorMessage(approve.error)}</Callout>
          )}
        </div>
      ) : (
        <div className="flex flex-col gap-3">
          {unavailable && (
            <Callout tone="info" title="A model provider is needed">
              Drafting asks a language model. Start Taskloom with TASKLOOM_LLM_BASE_URL (an OpenAI-compatible
              server: Ollama, vLLM, OpenAI…) and TASKLOOM_LLM_MODEL set; without them LLM tasks run in dry-run
              mode.
            </Callout>
          )}
          <label htmlFor="draft-goal" className="text-xs font-medium text-slate-600">
            Goal
          </label>
          <textarea
            id="draft-goal"
            value={goal}
            disabled={unavailable}
            onChange={(event) => setGoal(event.target.value)}
            rows={4}
            maxLength={4000}
            placeholder="Brief the CFO on our competitors' pricing, from their public price pages."
            className="block w-full resize-y rounded-md border border-slate-300 px-3 py-2 text-sm focus:ring-2 focus:ring-indigo-500 focus:outline-none disabled:bg-slate-100"
          />
          {draft.error && <Callout title="No draft">{errorMessage(draft.error)}</Callout>}
        </div>
      )}
    </Dialog>
  );
}
