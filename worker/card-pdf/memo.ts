/**
 * A bounded memo: what every card repeats is found again, what is new on each
 * card (its link, its code) only passes through. Oldest entry out first (a Map
 * iterates in insertion order); an evicted common entry simply comes back on
 * its next use, which is cheaper than reordering on every hit.
 */
const MEMO_SIZE = 2000;

export function remember<V>(memo: Map<string, V>, key: string, make: () => V): V {
  const known = memo.get(key);
  if (known !== undefined || memo.has(key)) return known as V;
  const value = make();
  memo.set(key, value);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
  return value;
}
