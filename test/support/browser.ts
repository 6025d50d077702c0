/**
 * A real browser for tests: playwright-core driving the system's Chromium (Debian's `chromium`,
 * which .ci/run installs), never a browser downloaded by Playwright.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('no Chromium found: apt-get install chromium, or set CHROMIUM_PATH');
}

export function launchBrowser(): Promise<Browser> {
  // Tests run as root in CI containers, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] });
}
