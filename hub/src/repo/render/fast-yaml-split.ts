// Cutting a YAML stream into documents for the fast reader: at lines that are exactly `---`, and
// only when nothing in the stream would make that cut wrong (pure).

/** A text cut into lines, and the documents in it as line ranges (`---` lines between them). */
export interface SplitDocuments {
  lines: string[];
  /** The offset in the text where each line starts. */
  lineStart: number[];
  /** Documents as [from, to) line ranges, the first one from line 0 (maybe empty), each other from its `---` line. */
  documents: { from: number; to: number }[];
  /** Whether any line holds a tab (when none does, lines need not be checked for them). */
  tabs: boolean;
}

/** What a line means to the cut: a document boundary, a line that makes the cut unsafe, or neither. */
export type LineRole = 'boundary' | 'refuse' | undefined;

/** A line's role: `---` alone starts a document; `--- content`, `...` and directives refuse the cut. */
export function lineRole(line: string): LineRole {
  const c = line.charCodeAt(0);
  if (c === 0x2d /* - */ && line.startsWith('---')) return line.length === 3 ? 'boundary' : 'refuse';
  if ((c === 0x2e /* . */ && line.startsWith('...')) || c === 0x25 /* % */) return 'refuse';
  return undefined;
}

/** Whether a stream's text holds what the cut never handles: carriage returns, a byte order mark at its start. */
export function refusesCut(text: string, atStart: boolean): boolean {
  return text.includes('\r') || (atStart && text.startsWith('\uFEFF'));
}

/**
 * Cuts a stream into documents at lines that are exactly `---`; undefined when the stream holds
 * what the cut would get wrong (directives, `...` or `--- content` lines, carriage returns, a
 * byte order mark), so it goes to the full parser whole (pure).
 */
export function splitDocuments(text: string): SplitDocuments | undefined {
  if (refusesCut(text, true)) return undefined;
  const lines = text.split('\n');
  const lineStart = new Array<number>(lines.length);
  const documents: { from: number; to: number }[] = [];
  let offset = 0;
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    lineStart[i] = offset;
    offset += line.length + 1;
    const c = line.charCodeAt(0);
    if (c !== 0x2d && c !== 0x2e && c !== 0x25) continue;
    const role = lineRole(line);
    if (role === 'refuse') return undefined;
    if (role === 'boundary') {
      documents.push({ from, to: i });
      from = i;
    }
  }
  documents.push({ from, to: lines.length });
  return { lines, lineStart, documents, tabs: text.includes('\t') };
}
