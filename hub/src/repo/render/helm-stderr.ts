// A failed helm run as a condition: helm's own message (its `Error: ` prefix and debug hint
// dropped, the render's scratch folders written as repository paths), naming the file it is
// about. Helm names templates as `<chart>/templates/x.yaml` (`parse error at
// (web/templates/x.yaml:4)`, `execution error at (web/templates/x.yaml:4:11)`, `template:
// web/templates/x.yaml:3:12: …`, `YAML parse error on web/templates/x.yaml`); those become
// repository paths with the line. A value file that does not parse (`failed to parse <path>`) is
// named by its repository path. Anything else is about the chart, its values or its
// dependencies, and names the chart's path.
import type { RenderError } from './types.ts';
import { sourceToRepoPath } from './helm-output.ts';

const TEMPLATE_AT = [
  /(?:parse|execution) error at \(([^():\s]+):(\d+)(?::(\d+))?\)/,
  /template: ([^():\s]+):(\d+)(?::(\d+))?:/,
  /YAML parse error on ([^():\s]+):/,
];
const VALUE_FILE = /failed to parse ([^:\s]+):/;

/** Which file an error names, and how the render's absolute paths read in messages. */
export interface ErrorFiles {
  /** A template by helm's path for it (chart name first) as the file to name. */
  fileOf: (source: string) => string;
  /** The file when the message names none (the chart). */
  fallback: string;
  /** Absolute folder or file paths and what to write instead (`''` for the repository root, `$values/`, `helm.values`). */
  paths?: [abs: string, shown: string][];
}

/** The files of a chart at `chartPath` in a repository (`''` for its root). */
export function repoChartFiles(chartPath: string): ErrorFiles {
  return { fileOf: (source) => sourceToRepoPath(source, chartPath), fallback: chartPath || '.' };
}

/** Helm's message without its framing, absolute paths of the render written as `paths` say (pure). */
export function cleanHelmMessage(stderr: string, paths: [string, string][] = []): string {
  let message = stderr
    .split('\n')
    .filter((line) => !/^Use --debug flag to render out invalid YAML\s*$/.test(line))
    .map((line) => line.replace(/^Error: /, ''))
    .join('\n')
    .trim();
  // Longest first, so a file inside a folder is rewritten before the folder.
  for (const [abs, shown] of [...paths].sort((a, b) => b[0].length - a[0].length)) message = message.replaceAll(abs, shown);
  return message;
}

/** The error a failed run makes; `what` says which step failed (pure). */
export function helmError(what: string, stderr: string, fallbackMessage: string, files: ErrorFiles): RenderError {
  const paths = files.paths ?? [];
  const message = cleanHelmMessage(stderr, paths) || fallbackMessage;
  for (const pattern of TEMPLATE_AT) {
    const m = pattern.exec(message);
    if (!m) continue;
    const error: RenderError = { file: files.fileOf(m[1]!), message: `${what}: ${message}` };
    if (m[2]) error.line = Number(m[2]);
    if (m[3]) error.column = Number(m[3]);
    return error;
  }
  const valueFile = VALUE_FILE.exec(message)?.[1];
  const isRepoPath = valueFile !== undefined && !valueFile.startsWith('/') && !paths.some(([, shown]) => shown === valueFile);
  return { file: isRepoPath ? valueFile : files.fallback, message: `${what}: ${message}` };
}
