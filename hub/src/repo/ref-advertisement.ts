// A workaround for repositories whose HEAD dangles (a bare repository initialised on master with
// only main pushed: the server advertises no HEAD at all). isomorphic-git 1.44's fetch looks HEAD up
// in the advertised refs before it writes the pack it received, and throws "Could not find HEAD"
// when there is none, even when asked for one explicit ref, so such a repository could never be
// fetched. Git protocol v1's ref advertisement is therefore given a HEAD line naming the first
// advertised ref's commit when it lacks one. isomorphic-git uses that HEAD only to name the
// remote's default branch (for clone); the hub always fetches an explicit ref or commit, and
// resolves targetRevision HEAD from its own ls-remote, which stays unchanged. Pure.

/** One pkt-line: its payload, or null for a flush (`0000`). */
type Pkt = Buffer | null;

/** The advertisement with a `HEAD` ref added when it has refs but no HEAD; anything it cannot read is returned as it is. */
export function advertiseDanglingHead(body: Buffer): Buffer {
  const pkts = parsePktLines(body);
  if (!pkts) return body;
  // `# service=git-upload-pack`, flush, then the ref lines (the first with capabilities after NUL), flush.
  const first = pkts.findIndex((p, i) => i > 0 && p !== null);
  if (first < 0 || !pkts[0]?.toString('utf8').startsWith('# service=')) return body;
  const firstLine = pkts[first]!.toString('utf8');
  if (firstLine.startsWith('version 2')) return body;
  const [oid] = firstLine.split(/[ \0]/);
  if (!oid || !/^[0-9a-f]{40}$/.test(oid) || /^0+$/.test(oid)) return body;
  const names = pkts.slice(first).filter((p): p is Buffer => p !== null).map((p) => p.toString('utf8').split('\0')[0]!.replace(/\n$/, '').split(' ')[1]);
  if (names.includes('HEAD')) return body;
  const head = Buffer.from(`${oid} HEAD\n`);
  return encodePktLines([...pkts.slice(0, first + 1), head, ...pkts.slice(first + 1)]);
}

/** Splits a body into pkt-lines, or undefined when it is not made of them. */
function parsePktLines(body: Buffer): Pkt[] | undefined {
  const pkts: Pkt[] = [];
  let at = 0;
  while (at < body.length) {
    const length = Number.parseInt(body.subarray(at, at + 4).toString('latin1'), 16);
    if (!Number.isInteger(length) || (length !== 0 && length < 4) || at + Math.max(length, 4) > body.length) return undefined;
    pkts.push(length === 0 ? null : body.subarray(at + 4, at + length));
    at += length === 0 ? 4 : length;
  }
  return pkts;
}

function encodePktLines(pkts: Pkt[]): Buffer {
  return Buffer.concat(pkts.map((p) => (p === null ? Buffer.from('0000') : Buffer.concat([Buffer.from((p.length + 4).toString(16).padStart(4, '0')), p]))));
}
