"use client";

import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { AppRouter } from "@taskloom/api";
import { createTRPCClient, httpBatchStreamLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import { useStaleEdit } from "../features/editor/stale-edit.ts";
import { isClientError, staleVersionOf } from "./errors.ts";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const ENDPOINT = "/api/trpc";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    // An edit refused because the plan moved on is shown once, wherever it came from, with a reload.
    mutationCache: new MutationCache({
      onError: (error) => {
        const stale = staleVersionOf(error);
        if (stale) useStaleEdit.getState().report(stale);
      },
    }),
    defaultOptions: {
      queries: {
        // Live data arrives through the event stream and explicit invalidation, not through refetch timers.
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A 4xx (not found, unauthorized, bad input) will not get better by asking again.
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
      },
    },
  });
}

function makeTRPCClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // Server-sent events: resumable with the last event id, one stream per subscription.
        true: httpSubscriptionLink({ url: ENDPOINT }),
        false: httpBatchStreamLink({ url: ENDPOINT }),
      }),
    ],
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  // Created once per browser tab (useState, not module scope: no sharing between server renders).
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(makeTRPCClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
