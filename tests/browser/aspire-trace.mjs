// Opens one trace in the Aspire dashboard's trace detail page, checks its span rows and their nesting, and saves a
// screenshot. The page is live (Blazor over a websocket): we wait for text, not for a load event.
//
//   node tests/browser/aspire-trace.mjs <dashboard-url> <trace-id> <screenshot.png> [--timeout-ms N]
//
// Checks: the first row is the client's "download" span at depth 0; "fetcher N" rows sit deeper than it; every
// "line server connection" and "SUBMIT" row sits deeper than the fetcher or grain call above it. Prints the rows seen.
import { withPage } from './common.mjs';

const args = process.argv.slice(2);
const timeoutIndex = args.indexOf('--timeout-ms');
const timeoutMs = timeoutIndex >= 0 ? Number(args.splice(timeoutIndex, 2)[1]) : 60000;
if (args.length !== 3) {
  console.error('usage: node aspire-trace.mjs <dashboard-url> <trace-id> <screenshot.png> [--timeout-ms N]');
  process.exit(2);
}
const [url, traceId, screenshot] = args;

await withPage(screenshot, { width: 1600, height: 1400 }, async (page) => {
  page.setDefaultTimeout(timeoutMs);
  await page.goto(new URL(`traces/detail/${traceId}`, url).toString(), { waitUntil: 'domcontentloaded' });
  await page.locator('.span-name-container', { hasText: /^fetcher \d+$/ }).first().waitFor({ state: 'visible' });
  await page.locator('.span-name-container', { hasText: 'line server connection' }).first().waitFor({ state: 'visible' });
  // the grid's rows: name, resource, and depth (the expander's indentation in px)
  const rows = await page.locator('tr.fluent-data-grid-row').evaluateAll(trs => trs.map(tr => {
    const name = tr.querySelector('.span-name-container');
    const indent = tr.querySelector('.main-grid-expand-container');
    const resource = tr.querySelector('.resource-name');
    return name && indent ? {
      name: name.textContent.trim(),
      resource: resource ? resource.textContent.trim() : '',
      depth: parseFloat(indent.style.marginLeft || '0'),
    } : null;
  }).filter(r => r));
  if (rows.length < 5) throw new Error(`expected the trace's span rows, saw ${rows.length}: ${JSON.stringify(rows)}`);
  if (rows[0].name !== 'download' || rows[0].depth !== 0) throw new Error(`the first row is not the root "download" span: ${JSON.stringify(rows[0])}`);
  const fetchers = rows.filter(r => /^fetcher \d+$/.test(r.name));
  if (fetchers.length === 0) throw new Error('no "fetcher N" rows');
  for (const f of fetchers) if (!(f.depth > rows[0].depth)) throw new Error(`${f.name} is not nested under the download: ${JSON.stringify(f)}`);
  let nested = 0;
  rows.forEach((r, i) => {
    if (r.name.startsWith('line server connection') || r.name === 'SUBMIT') {
      const parent = rows.slice(0, i).reverse().find(p => p.depth < r.depth);
      if (!parent) throw new Error(`${r.name} (row ${i}) has no parent row above it`);
      if (!/^fetcher \d+$/.test(parent.name) && !parent.name.includes('/')) throw new Error(`${r.name} (row ${i}) sits under "${parent.name}", not a fetcher or grain call`);
      nested++;
    }
  });
  if (nested === 0) throw new Error('no "line server connection" or "SUBMIT" rows');
  const grainCalls = rows.filter(r => r.name.includes('/')).length;
  return { rows: rows.length, fetchers: fetchers.length, protocolRowsNested: nested, grainCalls, resources: [...new Set(rows.map(r => r.resource))] };
});
