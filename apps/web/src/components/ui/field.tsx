import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import { cx } from "./class-names.ts";
import { MessageText } from "./message-text.tsx";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-xs ring-1 ring-inset " +
  "ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-500 focus:outline-none " +
  "disabled:bg-slate-50 disabled:text-slate-500";
const INVALID = "ring-rose-400 focus:ring-rose-500";

export function controlClass(invalid = false, extra?: string): string {
  return cx(CONTROL, invalid && INVALID, extra);
}

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  /** Problems with the value, shown under the control and linked to it for screen readers. */
  errors?: readonly string[] | undefined;
  className?: string;
  /** Renders the control with the ids it must carry. */
  children: (control: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode;
}

/** A label, a control, a hint and the issues found with its value. */
export function Field({ label, hint, errors, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-errors`;
  const invalid = errors !== undefined && errors.length > 0;
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": invalid || undefined })}
      {hint && !invalid && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {invalid && (
        <ul id={errorId} className="flex flex-col gap-0.5 text-xs text-rose-600">
          {errors.map((message) => (
            <li key={message}>
              <MessageText>{message}</MessageText>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Input({
  invalid,
  className,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }) {
  return <input className={controlClass(invalid, className)} {...props} />;
}

export function Textarea({
  invalid,
  className,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }) {
  return <textarea className={controlClass(invalid, cx("font-mono text-[13px]", className))} {...props} />;
}

export function Select({
  invalid,
  className,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }) {
  return <select className={controlClass(invalid, cx("pr-8", className))} {...props} />;
}
