"use client";

import * as RadixTabs from "@radix-ui/react-tabs";
import type { ReactNode } from "react";
import { cx } from "./class-names.ts";

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
}

/**
 * WAI-ARIA tabs on Radix UI's Tabs (arrow keys, Home/End, one tab stop for the list, tab and panel tied by
 * ids). `children` is the selected tab's panel: only that one is rendered.
 */
export function Tabs<T extends string>({
  items,
  selected,
  onSelect,
  label,
  className,
  panelClassName,
  children,
}: {
  items: readonly TabItem<T>[];
  selected: T;
  onSelect: (id: T) => void;
  label: string;
  className?: string;
  panelClassName?: string;
  children: ReactNode;
}) {
  return (
    <RadixTabs.Root
      value={selected}
      onValueChange={(value) => {
        const item = items.find((candidate) => candidate.id === value);
        if (item) onSelect(item.id);
      }}
      className={cx("flex min-h-0 flex-1 flex-col", className)}
    >
      <RadixTabs.List aria-label={label} className="flex shrink-0 gap-1 border-b border-slate-200 px-2">
        {items.map((item) => (
          <RadixTabs.Trigger
            key={item.id}
            value={item.id}
            className={cx(
              "-mb-px border-b-2 px-2.5 py-2 text-sm font-medium transition-colors",
              "border-transparent text-slate-500 hover:text-slate-800",
              "data-[state=active]:border-indigo-600 data-[state=active]:text-indigo-700",
            )}
          >
            {item.label}
          </RadixTabs.Trigger>
        ))}
      </RadixTabs.List>
      <RadixTabs.Content value={selected} className={cx("focus:outline-none", panelClassName)}>
        {children}
      </RadixTabs.Content>
    </RadixTabs.Root>
  );
}
