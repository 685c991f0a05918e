// Shared by the browser tests: Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core;
// test tools cannot download a browser of their own here. tests/scripts/browser-setup.sh installs both.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const CHROMIUM_FLAGS = [
  '--no-sandbox', // CI runs as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps dialling Google's services, which this machine's closed network refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs check(page) in a fresh browser; prints its result as one JSON line (exit 0) or the failure (exit 1). */
export async function withPage(screenshot, viewport, check) {
  mkdirSync(dirname(screenshot), { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  let page;
  try {
    page = await browser.newPage({ viewport });
    const result = await check(page);
    await page.screenshot({ path: screenshot });
    console.log(JSON.stringify(result));
  } catch (error) {
    console.error(String(error && error.stack || error));
    if (page) await page.screenshot({ path: screenshot.replace(/\.png$/, '') + '.failure.png' }).catch(() => {});
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
