// Opens a silo's Orleans Dashboard, checks that its overview counts every expected live silo and its silo list names
// them, and saves screenshots of both (<screenshot>-overview.png and <screenshot>).
//
//   node tests/browser/orleans-dashboard.mjs <dashboard-url> <screenshot.png> <silo-address>... [--timeout-ms N]
//
// A silo address is host:port as the dashboard prints it (e.g. 127.0.0.1:11111).
import { withPage } from './common.mjs';

const args = process.argv.slice(2);
const timeoutIndex = args.indexOf('--timeout-ms');
const timeoutMs = timeoutIndex >= 0 ? Number(args.splice(timeoutIndex, 2)[1]) : 60000;
if (args.length < 3) {
  console.error('usage: node orleans-dashboard.mjs <dashboard-url> <screenshot.png> <silo-address>... [--timeout-ms N]');
  process.exit(2);
}
const [url, screenshot, ...silos] = args;

await withPage(screenshot, { width: 1600, height: 1000 }, async (page) => {
  page.setDefaultTimeout(timeoutMs);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  // the overview counts the active silos
  await page.waitForFunction(
    n => new RegExp(`active silos\\s*${n}\\b`, 'i').test(document.body.innerText), silos.length, { timeout: timeoutMs });
  await page.screenshot({ path: screenshot.replace(/\.png$/, '') + '-overview.png' });
  // the silo list names each of them
  await page.getByRole('link', { name: 'Silos', exact: true }).first().click();
  for (const silo of silos) {
    await page.getByText(silo, { exact: false }).first().waitFor({ state: 'visible' });
  }
  const body = await page.locator('body').innerText();
  return { silos, listed: silos.filter(s => body.includes(s)).length, title: await page.title() };
});
