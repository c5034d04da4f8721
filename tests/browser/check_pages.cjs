// Open local HTML pages in Debian's headless Chromium (driven by playwright-core, no browser download),
// with the network off, and report what a person would see: JS errors, blocked requests, the layer
// control's labels, the legend, and a screenshot.
//
// Usage: node check_pages.cjs <job.json>   (prints one JSON result on stdout)
// job = {chromium, playwright, userDataDir, pages: [{path, screenshot, enable: [label substrings],
//        search: "text"}]}
'use strict';

const fs = require('fs');

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const { chromium } = require(job.playwright);
  const context = await chromium.launchPersistentContext(job.userDataDir, {
    executablePath: job.chromium,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
      '--proxy-server=127.0.0.1:9', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const results = [];
  try {
    for (const spec of job.pages) {
      const page = await context.newPage();
      const out = { path: spec.path, console: [], pageErrors: [], blocked: [], failed: [] };
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') {
          out.console.push({ type: msg.type(), text: msg.text(), url: msg.location().url || '' });
        }
      });
      page.on('pageerror', (err) => out.pageErrors.push(String(err && err.stack ? err.stack : err)));
      page.on('requestfailed', (req) => out.failed.push(req.url()));
      // Nothing leaves the machine: every request that is not file:// or data: is aborted and recorded.
      await page.route((url) => !['file:', 'data:', 'blob:'].includes(url.protocol), (route) => {
        out.blocked.push(route.request().url());
        return route.abort('internetdisconnected');
      });
      await page.goto('file://' + spec.path, { waitUntil: 'load', timeout: 60000 });
      await page.waitForTimeout(800);
      for (const label of spec.enable || []) {
        const box = page.locator('.leaflet-control-layers-overlays label', { hasText: label })
          .locator('input').first();
        if (await box.count()) { if (!(await box.isChecked())) { await box.check(); } }
        else { out.console.push({ type: 'error', text: 'test: no layer-control entry ' + label, url: '' }); }
      }
      if (spec.search) {
        await page.locator('.leaflet-control-search .search-button').click();
        await page.locator('.leaflet-control-search input').pressSequentially(spec.search, { delay: 40 });
        await page.waitForTimeout(400);
        out.searchTips = await page.locator('.search-tooltip .search-tip').allInnerTexts();
      }
      if (spec.baseFilter) {
        await page.selectOption('#sl-base-filter', spec.baseFilter);
        await page.waitForTimeout(200);
      }
      await page.waitForTimeout(500);
      out.dom = await page.evaluate(() => {
        const text = (sel) => Array.from(document.querySelectorAll(sel)).map((e) => e.innerText.trim());
        const visible = (el) => el && el.offsetParent !== null && getComputedStyle(el).display !== 'none';
        return {
          title: document.title,
          baseLayers: text('.leaflet-control-layers-base label'),
          overlays: text('.leaflet-control-layers-overlays label'),
          checkedOverlays: Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
            .filter((l) => l.querySelector('input').checked).map((l) => l.innerText.trim()),
          legend: visible(document.getElementById('sl-legend')) ? document.getElementById('sl-legend').innerText : '',
          banner: document.getElementById('sl-synthetic-banner') ? document.getElementById('sl-synthetic-banner').innerText : '',
          mapTitle: document.getElementById('sl-title') ? document.getElementById('sl-title').innerText : '',
          attribution: text('.leaflet-control-attribution').join(' '),
          paths: document.querySelectorAll('.leaflet-overlay-pane path').length,
          rasters: Array.from(document.querySelectorAll('.leaflet-sl-rasters-pane img'))
            .filter((i) => i.complete && i.naturalWidth > 0).length,
          controls: {
            fullscreen: !!document.querySelector('.leaflet-control-zoom-fullscreen, .fullscreen-icon'),
            measure: !!document.querySelector('.leaflet-control-measure'),
            search: !!document.querySelector('.leaflet-control-search'),
            scale: !!document.querySelector('.leaflet-control-scale'),
            baseFilter: !!document.getElementById('sl-base-filter'),
          },
          externalScripts: Array.from(document.querySelectorAll('script[src], link[href]'))
            .map((e) => e.src || e.href).filter((u) => /^https?:/.test(u)),
          leafletVersion: window.L ? L.version : null,
          bodyText: document.body.innerText.slice(0, 4000),
        };
      });
      if (spec.screenshot) {
        await page.screenshot({ path: spec.screenshot, fullPage: !!spec.fullPage });
      }
      results.push(out);
      await page.close();
    }
  } finally {
    await context.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(2);
});
