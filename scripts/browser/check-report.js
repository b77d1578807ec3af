#!/usr/bin/env node
// Opens a dialtone HTML report in Debian's Chromium (headless, driven by playwright-core), and prints one JSON
// object with what a person would see: console messages and page errors, any request the page tried to make,
// the verdict, per ladder the arrows drawn and whether clicking one shows its message, per chart the points per
// series, whether the spectrogram image decoded, and the tables. It takes a full-page screenshot.
//
//   node scripts/browser/check-report.js REPORT.html SCREENSHOT.png
//
// Exit 0 when it could look (the caller judges what it saw); 1 when the browser could not start or load the file.
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

async function main() {
  const [file, shot] = process.argv.slice(2);
  if (!file || !shot) {
    console.error('usage: check-report.js REPORT.html SCREENSHOT.png');
    process.exit(2);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const out = { console: [], pageErrors: [], requests: [], cspViolations: 0 };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => out.console.push({ type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => out.pageErrors.push(String(e)));
    const url = 'file://' + path.resolve(file);
    page.on('request', (r) => {
      const u = r.url();
      if (u !== url && !u.startsWith('data:') && !u.startsWith(url + '#')) out.requests.push(u);
    });
    await page.goto(url, { waitUntil: 'load' });
    Object.assign(out, await page.evaluate(() => {
      const q = (s, el = document) => Array.from(el.querySelectorAll(s));
      const pointsOf = (g) => q('polyline', g).reduce((n, p) => n + p.getAttribute('points').trim().split(/\s+/).length, 0)
        + q('circle.pt', g).length;
      return {
        title: document.title,
        verdict: (document.querySelector('#verdict h1') || {}).textContent || null,
        exitCode: (document.querySelector('#exit-code') || {}).textContent || null,
        failedLayer: (document.querySelector('#failed-layer') || {}).textContent || null,
        ladders: q('svg.ladder').map((svg) => ({
          section: svg.closest('section').id,
          dataMessages: Number(svg.getAttribute('data-messages')),
          arrows: q('a.arrow', svg).length,
          labels: q('a.arrow > title', svg).map((t) => t.textContent),
        })),
        charts: q('section.charts').map((s) => ({
          section: s.id,
          samples: Number(s.getAttribute('data-samples')),
          figures: q('figure.chart', s).map((f) => ({
            id: f.id,
            series: q('g.series', f).map((g) => ({ name: g.getAttribute('data-name'), points: pointsOf(g),
              declared: Number(g.getAttribute('data-points')) })),
            markers: q('line.marker', f).length,
          })),
        })),
        spectrograms: q('img.spectrogram').map((i) => ({ complete: i.complete, naturalWidth: i.naturalWidth })),
        waveforms: q('svg.waveform path').length,
        audio: q('audio').length,
        probeRows: q('#probe-checks tr').length - (document.querySelector('#probe-checks') ? 1 : 0),
        transports: q('#transports tr').slice(1).map((r) => q('td', r).map((c) => c.textContent)),
        nat: (document.querySelector('#nat') || {}).textContent || null,
        checks: q('#checks tr').slice(1).map((r) => q('td', r).map((c) => c.textContent)),
        merge: document.querySelector('#runs') ? {
          runs: q('#runs tr').length - 1,
          failures: q('#failures tr').slice(1).map((r) => q('td', r).map((c) => c.textContent)),
        } : null,
        scripts: q('script').length,
        bytes: document.documentElement.outerHTML.length,
      };
    }));
    // click the first arrow of each ladder: its message must show (CSS :target, no script)
    for (const l of out.ladders) {
      const arrow = page.locator(`#${l.section} a.arrow`).first();
      if (await arrow.count() === 0) continue;
      const href = await arrow.getAttribute('href');
      await arrow.click();
      const msg = page.locator(href);
      l.clickShows = await msg.isVisible();
      l.clickText = l.clickShows ? (await msg.locator('pre').textContent()).split('\n')[0] : null;
    }
    await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: shot, fullPage: true });
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  console.error('check-report: ' + (e && e.message ? e.message.split('\n')[0] : e));
  process.exit(1);
});
