// helm's standard output read as it arrives (issue 14: the hub's render within 1.05× of `helm
// template`): each chunk is cut into lines, and every document a `---` line closes is read by the
// fast reader at once, so the reading overlaps helm's writing and exiting and the event loop is
// held a chunk's worth at a time, not the whole output's. `end()` answers exactly what
// parseHelmOutput answers for the whole text: the cut follows splitDocuments line by line (a
// line or text it refuses sends the whole output to the `yaml` library at the end), and the
// manifests, errors and their lines are put together by the same assembleHelmOutput.
import { StringDecoder } from 'node:string_decoder';
import { lineRole, refusesCut, type SplitDocuments } from './fast-yaml.ts';
import { assembleHelmOutput, parseHelmOutput, readFast, sourceLine, type FastReads, type HelmOutput, type HelmOutputOptions, type SourceLine } from './helm-output.ts';

/** Reads helm's standard output chunk by chunk; `end()` answers the manifests or the errors. */
export class HelmOutputReader {
  private readonly fileOf: (source: string) => string;
  private readonly fallback: string;
  private readonly counts: HelmOutputOptions['counts'];
  private readonly decoder = new StringDecoder('utf8');
  private readonly texts: string[] = [];
  /** The text after the last line end so far. */
  private pending = '';
  private readonly lines: string[] = [];
  private readonly lineStart: number[] = [];
  private offset = 0;
  private readonly documents: { from: number; to: number }[] = [];
  private readonly reads: FastReads = [];
  private readonly sources: SourceLine[] = [];
  /** Whether the text holds U+2028 or U+2029, which the `# Source:` pattern sees as line ends. */
  private lineSeparators = false;
  /** The first line of the document being cut, and whether any of its lines holds a tab. */
  private from = 0;
  private tabs = false;
  private anyTabs = false;
  /** Set when the cut is refused (or reading failed unexpectedly): the whole text is parsed at the end. */
  private refused = false;
  private ended = false;

  constructor(fileOf: (source: string) => string, fallback: string, options: Pick<HelmOutputOptions, 'counts'> = {}) {
    this.fileOf = fileOf;
    this.fallback = fallback;
    this.counts = options.counts;
  }

  /** Takes the next chunk of standard output (never throws). */
  push(chunk: Buffer): void {
    if (this.ended) return;
    this.take(this.decoder.write(chunk));
  }

  /** The manifests of everything pushed, as parseHelmOutput reads the whole text. */
  end(): HelmOutput {
    if (!this.ended) {
      this.take(this.decoder.end());
      this.ended = true;
      if (!this.refused) this.guard(() => {
        this.line(this.pending);
        this.close(this.lines.length);
      });
    }
    const stdout = this.texts.join('');
    // An unexpected error while reading ahead: parse again here, where the driver sees it.
    if (this.refused) return parseHelmOutput(stdout, this.fileOf, this.fallback, this.counts ? { counts: this.counts } : {});
    const split: SplitDocuments = { lines: this.lines, lineStart: this.lineStart, documents: this.documents, tabs: this.anyTabs };
    return assembleHelmOutput(stdout, { split, reads: this.reads, ...(this.lineSeparators ? {} : { sources: this.sources }) }, this.fileOf, this.fallback, this.counts);
  }

  private take(text: string): void {
    if (text === '') return;
    const atStart = this.texts.length === 0;
    this.texts.push(text);
    if (this.refused) return;
    if (refusesCut(text, atStart)) {
      this.refused = true;
      return;
    }
    if (text.includes('\u2028') || text.includes('\u2029')) this.lineSeparators = true;
    this.guard(() => {
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1 && !this.refused; nl = text.indexOf('\n', start)) {
        this.line(this.pending === '' ? text.slice(start, nl) : this.pending + text.slice(start, nl));
        this.pending = '';
        start = nl + 1;
      }
      this.pending += text.slice(start);
    });
  }

  /** One whole line: recorded, and when it is `---`, the document before it read. */
  private line(line: string): void {
    const i = this.lines.length;
    this.lines.push(line);
    this.lineStart.push(this.offset);
    this.offset += line.length + 1;
    const c = line.charCodeAt(0);
    if (c === 0x23) {
      const found = sourceLine(line, this.lineStart[i]!);
      if (found) this.sources.push(found);
    } else if (c === 0x2d || c === 0x2e || c === 0x25) {
      const role = lineRole(line);
      if (role === 'refuse') {
        this.refused = true;
        return;
      }
      if (role === 'boundary') {
        this.close(i);
        this.from = i;
      }
    }
    if (line.includes('\t')) this.tabs = this.anyTabs = true;
  }

  /** The document from `from` up to line `to` is whole: read it. */
  private close(to: number): void {
    this.documents.push({ from: this.from, to });
    this.reads.push(readFast(this.lines, this.from, to, this.tabs));
    this.tabs = false;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      this.refused = true;
    }
  }
}
