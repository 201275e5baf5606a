import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PASSWORD } from './fixtures.js';

export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
const FIXED = ['/usr/bin/chromium', '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/**
 * Where the browser tests look for Chromium: CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium, else chromium / chromium-browser / google-chrome on the
 * PATH, else the macOS app folders. Playwright's own browser download cannot
 * work here. Without one the tests fail with one line saying so - never skip.
 */
export function findChromium(env: { CHROMIUM_PATH?: string | undefined; PATH?: string | undefined } = process.env, fixed = FIXED): string {
  if (env.CHROMIUM_PATH) {
    if (executable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw chromiumMissing(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => ON_PATH.map((n) => join(dir, n)));
  const candidates = [fixed[0], ...onPath, ...fixed.slice(1)].filter((c): c is string => Boolean(c));
  const found = candidates.find(executable);
  if (found) return found;
  throw chromiumMissing('no Chromium found (looked at CHROMIUM_PATH, /usr/bin/chromium, chromium/chromium-browser/google-chrome on the PATH)');
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function chromiumMissing(why: string): Error {
  const err = new Error(`Browser tests need Chromium: ${why}. Install it (Debian/Ubuntu: sudo apt install chromium) or set CHROMIUM_PATH.`);
  err.stack = err.message;
  return err;
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: findChromium(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Signs a staff member in on the login page and waits until the app has taken them past it. */
export async function signInAs(page: Page, baseUrl: string, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}
