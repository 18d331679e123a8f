import type { ReactNode } from "react";

/**
 * The table of a list page: a card named `label` for assistive technology, a heading row laid out on the
 * page's `columns` grid classes, then the rows (`children`), which use the same grid.
 */
export function ListTable({
  label,
  columns,
  headings,
  actionsHeading,
  children,
}: {
  label: string;
  columns: string;
  /** The visible column headings, in order. */
  headings: readonly string[];
  /** The heading of a last column of row controls, read by screen readers only. Default: no such column. */
  actionsHeading?: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={label}
      className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs"
    >
      <div
        className={`${columns} border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase`}
      >
        {headings.map((heading) => (
          <span key={heading}>{heading}</span>
        ))}
        {actionsHeading !== undefined && <span className="sr-only">{actionsHeading}</span>}
      </div>
      {children}
    </section>
  );
}
