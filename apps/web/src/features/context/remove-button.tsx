"use client";

import { Button } from "../../components/ui/button.tsx";
import { TrashIcon } from "../../components/ui/icons.tsx";

/** The trash button of a document or note row; `label` names what it removes. */
export function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button
      size="sm"
      variant="ghost"
      className="text-rose-600 hover:bg-rose-50"
      icon={<TrashIcon size={12} />}
      onClick={onClick}
      aria-label={label}
    />
  );
}
