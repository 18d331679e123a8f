import { cx } from "./class-names.ts";
import { MessageText } from "./message-text.tsx";

/** Problems with what was typed, one per line (nothing when there are none). */
export function IssueList({
  issues,
  className,
}: {
  issues: readonly string[] | undefined;
  className?: string;
}) {
  if (!issues || issues.length === 0) return null;
  return (
    <ul className={cx("flex flex-col gap-0.5 text-xs text-rose-600", className)}>
      {issues.map((message) => (
        <li key={message}>
          <MessageText>{message}</MessageText>
        </li>
      ))}
    </ul>
  );
}
