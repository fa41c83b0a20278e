// The demo page in a real browser (Debian's chromium driven by
// playwright-core, which gives it a fresh temporary profile), as a person
// would use it. Screenshots go to
// tests/output/ for a reviewer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startWrangler, root } from './wrangler.mjs';

const out = join(root, 'tests', 'output');
let w, browser;

before(async () => {
  mkdirSync(out, { recursive: true });
  w = await startWrangler();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await w?.stop();
});

/** Natural size of the preview once the image for `srcPart` has loaded. */
async function previewSize(page, srcPart) {
  await page.waitForFunction((part) => {
    const img = document.getElementById('preview');
    return img.src.includes(part) && img.complete && img.naturalWidth > 0;
  }, srcPart, { timeout: 20_000 });
  return page.$eval('#preview', (img) => [img.naturalWidth, img.naturalHeight]);
}

test('builder, preview, snippet, errors, answer panel and gallery', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} (${JSON.stringify(r.headers())}): ${r.failure()?.errorText}`));
  await page.goto(w.url + '/');

  // The default chart.
  assert.deepEqual(await previewSize(page, '/charts/sales.png'), [640, 480]);
  assert.equal(await page.inputValue('#url'), `${w.url}/charts/sales.png`);

  // Typing updates the preview (debounced): 300x200 at dpr 2 is 600x400 pixels.
  await page.fill('#w', '300');
  await page.fill('#h', '200');
  await page.selectOption('#dpr', '2');
  await page.selectOption('#theme', 'dark');
  await page.fill('#title', 'Orders & returns');
  assert.deepEqual(await previewSize(page, 'dpr=2'), [600, 400]);
  const url = await page.inputValue('#url');
  assert.equal(url, `${w.url}/charts/sales.png?title=Orders+%26+returns&w=300&h=200&dpr=2&theme=dark`);
  const snippet = await page.inputValue('#snippet');
  assert.equal(snippet.split('"')[1], url.replace(/&/g, '&amp;'), 'the snippet holds the URL');
  assert.match(snippet, /width="300" height="200"/);
  assert.match(snippet, /alt="Histogram of 1000 random normal draws, titled Orders &amp; returns"/);
  // What the Worker answered, and the revalidation: 200 then 304.
  await page.waitForFunction(() => /304/.test(document.getElementById('answer').textContent), null, { timeout: 20_000 });
  const answer = await page.textContent('#answer');
  assert.match(answer, /200 OK/);
  assert.match(answer, /public, max-age=31536000, immutable/);
  assert.match(answer, /"r\d+-[0-9a-f]{32}"/);
  await page.screenshot({ path: join(out, 'demo.png'), fullPage: true });

  // Out of bounds: the message in place, and the error image in the preview.
  await page.fill('#w', '5000');
  await page.waitForSelector('#error:not([hidden])', { timeout: 20_000 });
  assert.match(await page.textContent('#error'), /Parameter “w”: 400 Bad Request: w must be an integer from 64 to 4096, got 5000/);
  const [ew, eh] = await previewSize(page, 'w=5000');
  assert.ok(ew >= 160 && ew < 700 && eh < 200, `error image ${ew}x${eh}`);
  await page.screenshot({ path: join(out, 'demo-error.png') });

  // Back in bounds: the error goes away.
  await page.fill('#w', '400');
  await page.waitForSelector('#error[hidden]', { state: 'attached', timeout: 20_000 });
  assert.deepEqual(await previewSize(page, 'w=400'), [800, 400]);

  // The gallery: every example loads, and selecting one loads it into the builder.
  const examples = await page.$$('#gallery img');
  assert.ok(examples.length >= 5);
  for (const img of examples) {
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, img, { timeout: 20_000 });
  }
  const sizes = await page.$$eval('#gallery img', (imgs) => imgs.map((i) => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight]));
  for (const [src, nw, nh] of sizes) {
    const u = new URL(src, 'http://x');
    const dpr = Number(u.searchParams.get('dpr') || 1);
    assert.deepEqual([nw, nh], [(Number(u.searchParams.get('w')) || 640) * dpr, (Number(u.searchParams.get('h')) || 480) * dpr], src);
  }
  await page.click('#gallery li:nth-child(3) button');
  assert.match(await page.inputValue('#values'), /^61\.2,70\.1/);
  assert.match(await page.inputValue('#url'), /\/charts\/weights\.png\?values=61\.2/);
  assert.deepEqual(await previewSize(page, '/charts/weights.png'), [640, 480]);
  assert.deepEqual(failed, [], 'no request failed');
  await page.close();
});

test('keyboard and phone width', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await page.goto(w.url + '/');
  await previewSize(page, '/charts/sales.png');
  // Every form control has a label.
  const unlabeled = await page.$$eval('input, select, textarea', (els) =>
    els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.id));
  assert.deepEqual(unlabeled, []);
  // Images have alt text.
  const noAlt = await page.$$eval('img', (imgs) => imgs.filter((i) => !i.alt).map((i) => i.src));
  assert.deepEqual(noAlt, []);
  // Tab reaches the name field first and typing there changes the chart.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'name');
  await page.keyboard.press('End');
  await page.keyboard.type('-q4');
  assert.deepEqual(await previewSize(page, '/charts/sales-q4.png'), [640, 480]);
  // Nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a phone`);
  await page.screenshot({ path: join(out, 'demo-phone.png'), fullPage: true });
  await page.close();
});
