// Why a hub process stopped before it was ready, read from its log: the plain
// "flotilla-hub could not start: …" line main.ts prints, else the fatal JSON line's error, else the
// last lines (an uncaught error's stack). Pure: the caller reads the file.

/** Pure: one short sentence naming the cause, from the hub's log text. */
export function hubExitReason(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  const prefix = 'flotilla-hub could not start: ';
  const plain = lines.findLast((l) => l.startsWith(prefix));
  if (plain) return plain.slice(prefix.length);
  for (const line of lines.toReversed()) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) >= 60) return `${entry.msg ?? 'fatal'}: ${entry.err?.message ?? ''}`.trim();
    } catch {
      // not a log line
    }
  }
  const thrown = lines.findLast((l) => /^[A-Za-z]*Error\b.*:/.test(l));
  if (thrown) return thrown;
  return lines.slice(-3).join(' | ') || 'it printed nothing';
}
