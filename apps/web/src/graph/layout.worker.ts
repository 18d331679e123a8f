/// <reference lib="webworker" />
import ELK from "elkjs/lib/elk.bundled.js";
import { layeredLayout } from "./layered-layout.ts";
import {
  LAYERED_LAYOUT_FROM,
  type LayoutRequest,
  type LayoutResponse,
  positionsFromElk,
  toElkGraph,
} from "./layout.ts";

declare const self: DedicatedWorkerGlobalScope;

// elk.bundled.js runs ELK in this thread through its in-process "fake worker", which is what we want inside
// a worker. Loaded in a worker scope it also installs its own dispatcher as `self.onmessage`: we replace it,
// since our messages speak the LayoutRequest protocol, not ELK's.
const elk = new ELK();

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const { id, input } = event.data;
  let response: LayoutResponse;
  try {
    const positions =
      input.keys.length >= LAYERED_LAYOUT_FROM
        ? layeredLayout(input)
        : positionsFromElk(await elk.layout(toElkGraph(input)));
    response = { id, positions };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(response);
};
