import { LoaderCircle } from "lucide-react";

export function Spinner({ size = 16, label }: { size?: number; label?: string }) {
  return label ? (
    <LoaderCircle size={size} className="animate-spin" role="img" aria-label={label} />
  ) : (
    <LoaderCircle size={size} className="animate-spin" aria-hidden="true" />
  );
}
