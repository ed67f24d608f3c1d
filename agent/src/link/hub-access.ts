// How the agent may reach its hub, decided from its flags before anything starts: the URL (https,
// or plain http on loopback or with --insecure, see shared/src/tls/hub-url.ts), the pin or CA file
// that makes a self-signed hub trusted, and the bundle size cap. Pure: main.ts reads the CA file,
// logs the warning and exits on a refusal.
import { checkHubUrl, MAX_BUNDLE_BYTES, parseFingerprint } from '@flotilla/shared';

/** The flags as given (strings, as parseArgs answers them). */
export interface HubAccessFlags {
  hub: string;
  caFile?: string;
  hubFingerprint?: string;
  insecure?: boolean;
  maxBundleBytes?: string;
}

/** What the agent runs with, or why it must not start. */
export type HubAccess =
  | { ok: true; hubUrl: string; fingerprint?: string; caFile?: string; maxBundleBytes: number; warning?: string }
  | { ok: false; message: string };

/** Checks the hub flags together (pure). */
export function parseHubAccess(flags: HubAccessFlags): HubAccess {
  const hubUrl = flags.hub.trim().replace(/\/+$/, '');
  const fingerprint = flags.hubFingerprint ? parseFingerprint(flags.hubFingerprint) : undefined;
  if (flags.hubFingerprint && !fingerprint) {
    return { ok: false, message: `--hub-fingerprint "${flags.hubFingerprint}" is not a SHA-256 fingerprint (64 hex digits, colons optional, as flotilla cluster add prints it)` };
  }
  const verdict = checkHubUrl(hubUrl, { insecure: flags.insecure, verifies: Boolean(fingerprint || flags.caFile) });
  if (!verdict.ok) return verdict;
  let maxBundleBytes = MAX_BUNDLE_BYTES;
  if (flags.maxBundleBytes !== undefined) {
    maxBundleBytes = Number(flags.maxBundleBytes);
    if (!Number.isSafeInteger(maxBundleBytes) || maxBundleBytes <= 0) return { ok: false, message: `--max-bundle-bytes wants a positive whole number of bytes, not ${flags.maxBundleBytes}` };
  }
  return {
    ok: true,
    hubUrl,
    maxBundleBytes,
    ...(fingerprint ? { fingerprint } : {}),
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
    ...(verdict.warning ? { warning: verdict.warning } : {}),
  };
}
