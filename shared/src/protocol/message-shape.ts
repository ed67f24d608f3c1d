// What a decoded wire message may hold beyond its schema, checked in one walk without recursion:
// - depth: the schemas leave some fields free-form (an operation's `result`), and a value nested
//   thousands of levels deep there passed them, then overflowed the stack of whatever walked it
//   next (JSON.stringify, PostgreSQL's jsonb parser);
// - NUL: a string holding U+0000 passed them, then PostgreSQL refused to store it (text and jsonb
//   cannot hold NUL).
// Both ended in a 1011 internal error and a resend of the same message after every reconnect,
// instead of a protocol error (issue 13, found by the gateway frame fuzzer). Real messages nest
// fewer than 10 levels.

/** The deepest nesting of arrays and objects a protocol message may have. */
export const MAX_MESSAGE_DEPTH = 64;

/** Why a parsed message cannot be taken whatever its schema says, or undefined (pure, iterative). */
export function messageShapeIssue(value: unknown, maxDepth = MAX_MESSAGE_DEPTH): { path: string; message: string } | undefined {
  // Every frame is walked: the common, clean case builds no path strings; only a bad one is walked again with paths.
  return hasShapeIssue(value, maxDepth) ? locateShapeIssue(value, maxDepth) : undefined;
}

function hasShapeIssue(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return true;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    if (Array.isArray(node)) {
      for (const child of node) if (typeof child === 'string' || (child !== null && typeof child === 'object')) stack.push([child, depth + 1]);
      continue;
    }
    for (const key in node) {
      if (key.includes('\u0000')) return true;
      stack.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return false;
}

function locateShapeIssue(value: unknown, maxDepth: number): { path: string; message: string } | undefined {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return { path, message: 'a string may not hold a NUL (\\u0000) character' };
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > maxDepth) return { path, message: `a message may nest at most ${maxDepth} levels deep` };
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return { path: childPath, message: 'a key may not hold a NUL (\\u0000) character' };
      stack.push([child, depth + 1, childPath]);
    }
  }
  return undefined;
}

/**
 * Replaces every NUL in the strings of serialized JSON with U+FFFD (pure). A sender applies it to
 * text it did not write (Kubernetes events and conditions may hold a NUL), so what it reports is
 * stored instead of refused. JSON.stringify writes NUL as the escape \u0000; one preceded by an
 * odd number of backslashes is a literal backslash before "u0000", and is left alone.
 */
export function replaceNulInJson(json: string): string {
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
}
