/** Internal: a binary min-heap of non-negative integers (node indices). */
export class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let child = items.length;
    items.push(value);
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const parentValue = items[parent] ?? 0;
      if (parentValue <= value) break;
      items[child] = parentValue;
      child = parent;
    }
    items[child] = value;
  }

  /** Removes and returns the smallest value, or undefined when empty. */
  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const length = items.length;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= length) break;
      const right = left + 1;
      const leftValue = items[left] ?? 0;
      const rightValue = right < length ? (items[right] ?? 0) : Number.POSITIVE_INFINITY;
      const [child, childValue] = rightValue < leftValue ? [right, rightValue] : [left, leftValue];
      if (childValue >= last) break;
      items[parent] = childValue;
      parent = child;
    }
    items[parent] = last;
    return top;
  }
}
