import { cx } from "./class-names.ts";

/** A small set of mutually exclusive options shown as toggle buttons (format, editor mode). */
export function SegmentedControl<T extends string>({
  label,
  options,
  value,
  onChange,
  className,
  optionClassName,
}: {
  label: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  className?: string;
  optionClassName?: string;
}) {
  return (
    <fieldset
      className={cx("inline-flex self-start rounded-md bg-slate-100 p-0.5 text-xs font-medium", className)}
    >
      <legend className="sr-only">{label}</legend>
      {options.map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={value === option}
          onClick={() => onChange(option)}
          className={cx(
            "rounded px-2.5 py-1",
            value === option ? "bg-white text-slate-900 shadow-xs" : "text-slate-500 hover:text-slate-800",
            optionClassName,
          )}
        >
          {option}
        </button>
      ))}
    </fieldset>
  );
}
