"use client";

import { useEffect, useRef, useState } from "react";

/**
 * A form's value and where it started: what it was filled from, and the plan version that was (sent as
 * `baseVersion` on save). While the form holds no unsaved edit it follows the plan as newer versions arrive;
 * with unsaved edits it keeps them, and saving them over a plan that moved on is refused (the editor then
 * offers a reload) instead of silently replacing either change.
 */
export function useEditBase<T>(
  initial: T,
  planVersion: number,
  /** When two values are the same edit. Default: `Object.is` (a draft object is replaced on each change). */
  same: (a: T, b: T) => boolean = Object.is,
) {
  const [base, setBase] = useState({ value: initial, version: planVersion });
  const [value, setValue] = useState(initial);
  const latest = useRef(initial);
  latest.current = initial;
  const dirty = !same(value, base.value);

  useEffect(() => {
    // Only a newer version: right after a save the cache may still show the one before it.
    if (planVersion <= base.version || dirty) return;
    setValue(latest.current);
    setBase({ value: latest.current, version: planVersion });
  }, [planVersion, base.version, dirty]);

  return {
    value,
    setValue,
    dirty,
    baseVersion: base.version,
    /** The value was saved as `version`: it is the new starting point. */
    saved(version: number, savedValue: T = value) {
      setBase({ value: savedValue, version });
    },
    /** Back to what the form started from. */
    revert() {
      setValue(base.value);
    },
  };
}
