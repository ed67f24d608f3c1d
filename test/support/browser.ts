// Headless Chromium for UI tests and benchmarks: Debian's `chromium` (installed by .ci/run) driven
// by playwright-core, with a fresh profile in a temporary directory, quiet (no network of its own:
// no updates, sync, QUIC or background fetches), and everything closed and removed by close().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian puts its Chromium. */
export const CHROMIUM_PATH = process.env.FLOTILLA_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every launch uses. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A running browser with its own profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** Closes every page and the browser, and removes the profile. */
  close(): Promise<void>;
}

/** Whether the Chromium binary is installed (tests skip with a reason when not). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches Chromium with a fresh user-data-dir. */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'flotilla-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  let closed: Promise<void> | undefined;
  return {
    context,
    close() {
      closed ??= (async () => {
        await context.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
