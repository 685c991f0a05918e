// Browser test of the trace dashboard: opens the trace list, clicks the trace whose root span has the given name,
// waits for its waterfall, checks parent/child indentation and the attribute panel, and saves a screenshot.
//
//   node tests/browser/trace-waterfall.mjs <dashboard-url> <root-span-name> <screenshot.png> [--min-spans N] [--timeout-ms N]
//
// Prints one JSON line with what it saw on stdout and exits 0; on failure prints the reason on stderr, saves
// <screenshot>.failure.png when it can, and exits 1. Uses Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium)
// through playwright-core: test tools cannot download a browser of their own here. tests/scripts/browser-setup.sh
// installs both.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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

function parseArgs(argv) {
  const positional = [];
  const options = { minSpans: 1, timeoutMs: 30000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--min-spans') options.minSpans = Number(argv[++i]);
    else if (argv[i] === '--timeout-ms') options.timeoutMs = Number(argv[++i]);
    else positional.push(argv[i]);
  }
  if (positional.length !== 3 || !Number.isInteger(options.minSpans) || !(options.timeoutMs > 0)) {
    console.error('usage: node trace-waterfall.mjs <dashboard-url> <root-span-name> <screenshot.png> [--min-spans N] [--timeout-ms N]');
    process.exit(2);
  }
  const [url, rootName, screenshot] = positional;
  return { url, rootName, screenshot, ...options };
}

async function run(page, args) {
  const { url, rootName, minSpans, timeoutMs } = args;
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('#trace-list').waitFor({ state: 'visible' });

  // The list refreshes itself: a trace exported just before may appear a moment later.
  const row = page.locator('#trace-list .trace-row')
    .filter({ has: page.locator('.trace-link').getByText(rootName, { exact: true }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  const traceId = await row.getAttribute('data-trace-id');
  const listedSpans = Number(await row.getAttribute('data-span-count'));
  const listedServices = await row.locator('.service-chip').allTextContents();

  await row.locator('.trace-link').click();
  await page.waitForURL(`**/trace/${traceId}`, { timeout: timeoutMs });
  const waterfall = page.locator('#waterfall');
  await waterfall.waitFor({ state: 'visible' });
  await page.waitForFunction(
    (expected) => document.querySelectorAll('#waterfall .span-row').length >= expected,
    Math.max(listedSpans, minSpans),
    { timeout: timeoutMs });

  // The waterfall must show every span the trace has (the header states the count the API returned).
  const headerCount = Number(((await page.locator('#trace-span-count').textContent()) || '').split(' ')[0]);
  const spanRows = await page.locator('#waterfall .span-row').count();
  if (spanRows !== headerCount) throw new Error(`the waterfall shows ${spanRows} span rows but the trace has ${headerCount} spans`);
  if (spanRows < minSpans) throw new Error(`the waterfall shows ${spanRows} span rows, expected at least ${minSpans}`);

  // Parent/child: every child is one level deeper than its parent, indented further, and drawn below it.
  const layout = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('#waterfall .span-row')];
    const index = new Map(rows.map((row, i) => [row.dataset.spanId, i]));
    const indent = (row) => row.querySelector('.span-label .service-chip').getBoundingClientRect().left;
    const problems = [];
    let pairs = 0;
    let maxDepth = 0;
    let sample = null;
    rows.forEach((row, i) => {
      const depth = Number(row.dataset.depth);
      maxDepth = Math.max(maxDepth, depth);
      const parentIndex = index.get(row.dataset.parentId);
      if (parentIndex === undefined) {
        if (depth !== 0) problems.push(`span ${row.dataset.spanId} has no parent row but depth ${depth}`);
        return;
      }
      const parent = rows[parentIndex];
      pairs++;
      if (depth !== Number(parent.dataset.depth) + 1) problems.push(`span ${row.dataset.spanId} has depth ${depth}, its parent ${parent.dataset.depth}`);
      if (!(indent(row) > indent(parent))) problems.push(`span ${row.dataset.spanId} is not indented further than its parent`);
      if (!(parentIndex < i)) problems.push(`span ${row.dataset.spanId} is drawn above its parent`);
      sample ??= { parent: parent.querySelector('.span-name').textContent, child: row.querySelector('.span-name').textContent };
    });
    const services = [...new Set(rows.map((row) => row.dataset.service))];
    const colors = new Set(services.map((service) =>
      getComputedStyle(document.querySelector(`.span-row[data-service="${CSS.escape(service)}"] .span-bar`)).backgroundColor));
    return { pairs, maxDepth, problems, sample, services, distinctServiceColors: colors.size };
  });
  if (layout.problems.length > 0) throw new Error('waterfall layout: ' + layout.problems.join('; '));
  if (spanRows > 1 && layout.pairs === 0) throw new Error('no span of the trace is drawn as the child of another');

  // Clicking a span opens its details with its attributes (take a child: instrumented calls carry attributes).
  const target = layout.pairs > 0 ? page.locator('#waterfall .span-row:not([data-depth="0"])').first() : page.locator('#waterfall .span-row').first();
  await target.click();
  const details = page.locator('#waterfall .span-details').first();
  await details.waitFor({ state: 'visible', timeout: timeoutMs });
  const detailRows = await details.locator('.attribute').count();
  if (detailRows === 0) throw new Error('the span details show no attributes');

  return { traceId, listedSpans, listedServices, spanRows, detailRows, ...layout };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const userDataDir = mkdtempSync(join(tmpdir(), 'orleansdist-chromium-'));
  mkdirSync(dirname(args.screenshot), { recursive: true });
  let context;
  let page;
  const pageErrors = [];
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 900 },
      timeout: args.timeoutMs,
    });
    context.setDefaultTimeout(args.timeoutMs);
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    const result = await run(page, args);
    if (pageErrors.length > 0) throw new Error('the page threw: ' + pageErrors.join('; '));
    await page.screenshot({ path: args.screenshot, fullPage: true });
    console.log(JSON.stringify({ ok: true, screenshot: args.screenshot, ...result }));
  } catch (error) {
    console.error(`trace-waterfall: FAILED: ${error && error.message ? error.message : error}`);
    if (pageErrors.length > 0) console.error('page errors: ' + pageErrors.join('; '));
    if (page) {
      const failure = args.screenshot.replace(/\.png$/i, '') + '.failure.png';
      await page.screenshot({ path: failure, fullPage: true }).then(() => console.error(`screenshot of the failure: ${failure}`), () => {});
    }
    process.exitCode = 1;
  } finally {
    await context?.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

await main();
