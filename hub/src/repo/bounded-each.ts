// Runs one task per item, at most `limit` at once, starting them in the items' order. Every item
// runs even when another's task fails, and no failure cuts another short: the call settles when
// all have, and then rejects with the first failure (in item order), if any.

/** Calls fn for every item, at most `limit` at a time; rejects after all settled if any rejected. */
export async function boundedEach<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failures.length) throw failures.sort((a, b) => a.index - b.index)[0]!.error;
}
