// Bounds on request bodies beyond their size: how deeply they nest. A parser or validator that
// recurses over a body 100,000 levels deep overflows the stack (a 500 for anyone, issue 13), so
// a parser's stack overflow is a 400, and every parsed body is measured here without recursion.

/** The deepest nesting of arrays and objects a request body may have. */
export const MAX_BODY_DEPTH = 64;

/** The largest YAML request body, in bytes (YAML costs far more to parse than JSON). */
export const MAX_YAML_BODY_BYTES = 1024 * 1024;

/** The nesting depth of a parsed value: 0 for a scalar, 1 for `{}` or `[]` (pure, iterative). */
export function nestingDepth(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > stopAbove) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}
