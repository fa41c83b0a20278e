// The demo page in a real browser (Debian's chromium driven by
// playwright-core, which gives it a fresh temporary profile), as a person
// would use it. Screenshots go to
// tests/output/ for a reviewer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
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

/** A new page on the demo (1280x1000), collecting failed requests and
 * script errors in `failed`. */
async function openDemo() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('pageerror', (e) => failed.push(`page error: ${e.message}`));
  await page.goto(w.url + '/');
  return { page, failed };
}

/** Natural size of the preview once the image for `srcPart` has loaded. */
async function previewSize(page, srcPart, id = 'preview') {
  await page.waitForFunction(([part, id]) => {
    const img = document.getElementById(id);
    return img.src.includes(part) && img.complete && img.naturalWidth > 0;
  }, [srcPart, id], { timeout: 20_000 });
  return page.$eval(`#${id}`, (img) => [img.naturalWidth, img.naturalHeight]);
}

const xmlText = (s) => s.replace(/&(amp|lt|gt|quot|apos|#x?[0-9a-f]+);/gi, (_, e) => (
  { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]
  ?? String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))));

/** What the Worker's SVG says about the chart at `path` (any extension):
 * "{title}: {desc}", the alt text the page must show. */
async function svgAlt(path) {
  const text = await (await fetch(w.url + path.replace(/\.(png|svg|csv|json)(\?|$)/, '.svg$2'))).text();
  const title = xmlText(text.match(/<title>([^<]*)<\/title>/)[1]);
  const desc = xmlText(text.match(/<desc>([^<]*)<\/desc>/)[1]);
  return title ? `${title}: ${desc}` : desc;
}

/** The alt attribute of the first <img> in the textarea `id`, as a browser reads it. */
const snippetAlt = (page, id) => page.$eval(`#${id}`, (t) =>
  new DOMParser().parseFromString(t.value, 'text/html').querySelector('img')?.alt);

/** Waits until the page has the alt text from the chart's JSON. */
async function waitForAlt(page, alt) {
  await page.waitForFunction((want) => document.getElementById('preview').alt === want
    && document.getElementById('picture').value.includes('alt='), alt, { timeout: 20_000 });
}

/** The colour of the screenshot pixel at (x, y) CSS pixels, as [r, g, b]. */
function pixel(png, scale, x, y) {
  const i = (Math.round(y * scale) * png.width + Math.round(x * scale)) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}
const near = (rgb, hex, tol = 6) => [0, 1, 2].every((k) => Math.abs(rgb[k] - parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16)) <= tol);
const hexToRgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const hexOf = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** Background and bar colours inside the two theme=auto previews. */
async function autoColours(page, scale) {
  const png = PNG.sync.read(await page.screenshot());
  const out = {};
  for (const id of ['preview', 'preview-dark']) {
    const r = await page.$eval(`#${id}`, (img) => { const b = img.getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }; });
    // The corners of the chart are its background.
    const corners = [[3, 3], [r.w - 4, 3], [3, r.h - 4], [r.w - 4, r.h - 4]].map(([dx, dy]) => pixel(png, scale, r.x + dx, r.y + dy));
    // Every colour in the plot area, to find the bars.
    const colours = new Set();
    for (let y = r.y + r.h * 0.2; y < r.y + r.h * 0.85; y += 1) {
      for (let x = r.x + r.w * 0.15; x < r.x + r.w * 0.95; x += 1) colours.add(hexOf(pixel(png, scale, x, y)));
    }
    out[id] = { corners: corners.map(hexOf), colours };
  }
  return out;
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
  // The alt text is the SVG's title and <desc>, said from the chart's JSON.
  const alt = await svgAlt(url.slice(w.url.length));
  assert.match(alt, /^Orders & returns: Histogram of 1000 values in 100 bins, from -?\d/);
  await waitForAlt(page, alt);
  assert.ok((await page.inputValue('#snippet')).includes(`alt="${alt.replace(/&/g, '&amp;')}"`));
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
    // A PNG has dpr times the CSS pixels; an SVG says its CSS size.
    const dpr = u.pathname.endsWith('.svg') ? 1 : Number(u.searchParams.get('dpr') || 1);
    assert.deepEqual([nw, nh], [(Number(u.searchParams.get('w')) || 640) * dpr, (Number(u.searchParams.get('h')) || 480) * dpr], src);
  }
  await page.click('#gallery li:nth-child(3) button');
  assert.match(await page.inputValue('#values'), /^61\.2,70\.1/);
  assert.match(await page.inputValue('#url'), /\/charts\/weights\.png\?values=61\.2/);
  assert.deepEqual(await previewSize(page, '/charts/weights.png'), [640, 480]);
  assert.deepEqual(failed, [], 'no request failed');
  await page.close();
});

test('formats: the URL extension, the preview (image or data), the snippets, the alt text', async () => {
  const { page, failed } = await openDemo();
  await previewSize(page, '/charts/sales.png');
  assert.equal(await page.inputValue('#format'), 'png');

  // Exact halves: the Worker rounds them to even (12.125 -> 12.12,
  // 1000.5 -> 1000), and so must the page.
  await page.fill('#name', 'ties');
  await page.fill('#values', '12.125, 1000.5');
  await page.fill('#title', 'Ties & <tags> "q"');
  const query = 'values=12.125%2C1000.5&title=Ties+%26+%3Ctags%3E+%22q%22';
  const json = await (await fetch(`${w.url}/charts/ties.json?${query}`)).json();
  const alt = await svgAlt(`/charts/ties.svg?${query}`);
  assert.equal(alt, `Ties & <tags> "q": Histogram of 2 values in ${json.bins.length} bins, from 12.12 to 1000; mean 506.3, standard deviation 494.2.`);

  for (const format of ['svg', 'csv', 'json', 'png']) {
    await page.selectOption('#format', format);
    const url = `${w.url}/charts/ties.${format}?${query}`;
    await page.waitForFunction((u) => document.getElementById('url').value === u, url, { timeout: 20_000 });
    const snippet = await page.inputValue('#snippet');
    if (format === 'png' || format === 'svg') {
      // An image: 640x480 CSS pixels, the data preview hidden.
      assert.deepEqual(await previewSize(page, `/charts/ties.${format}?`), [640, 480], format);
      assert.equal(await page.isVisible('#preview'), true, format);
      assert.equal(await page.isVisible('#data'), false, format);
      assert.equal(await page.isVisible('#dark-panel'), false, format);
      assert.ok(snippet.startsWith(`<img src="${url.replace(/&/g, '&amp;')}" width="640" height="480" alt=`), snippet);
      await waitForAlt(page, alt);
      assert.equal(await snippetAlt(page, 'snippet'), alt, format);
      if (format === 'svg') await page.screenshot({ path: join(out, 'demo-svg.png') });
    } else {
      // Data: the text the URL returns, no image.
      await page.waitForFunction(() => !document.getElementById('data').hidden, null, { timeout: 20_000 });
      const text = await page.textContent('#data');
      if (format === 'csv') {
        assert.ok(text.startsWith('bin_start,bin_end,count\r\n'), text.slice(0, 40));
        assert.equal(text.trim().split(/\r\n/).length, json.bins.length + 1, 'a row a bin');
      } else {
        assert.deepEqual(JSON.parse(text), json, 'the JSON as it came, laid out one bin a line');
        assert.equal(text.split('\n').filter((l) => l.includes('"start"')).length, json.bins.length);
      }
      assert.equal(await page.isVisible('#images'), false, format);
      assert.equal(await page.$eval('#preview', (img) => img.hasAttribute('src')), false, `${format}: no <img> request`);
      assert.match(await page.textContent('#preview-caption'), new RegExp(`${json.bins.length} bins`));
      // The snippet is a link, with the chart's title.
      const type = format === 'csv' ? 'text/csv' : 'application/json';
      assert.equal(snippet.startsWith(`<a href="${url.replace(/&/g, '&amp;')}" type="${type}">`), true, snippet);
      await page.waitForFunction((want) => new DOMParser().parseFromString(document.getElementById('snippet').value, 'text/html')
        .querySelector('a')?.textContent === want, `Ties & <tags> "q" (${format.toUpperCase()})`, { timeout: 20_000 });
      if (format === 'json') await page.screenshot({ path: join(out, 'demo-formats.png') });
    }
    // The Worker's answer is for this format.
    await page.waitForFunction((ext) => /304/.test(document.getElementById('answer').textContent)
      && document.getElementById('answer').textContent.includes(
        { png: 'image/png', svg: 'image/svg+xml', csv: 'text/csv', json: 'application/json' }[ext]), format, { timeout: 20_000 });

    // The <picture>: SVG first, the PNG as the <img>, whatever the format chosen.
    const picture = await page.inputValue('#picture');
    const svgUrl = `${w.url}/charts/ties.svg?${query}`.replace(/&/g, '&amp;');
    const pngUrl = `${w.url}/charts/ties.png?${query}`.replace(/&/g, '&amp;');
    assert.ok(picture.startsWith('<picture>\n') && picture.endsWith('\n</picture>'), picture);
    assert.ok(picture.includes(`<source type="image/svg+xml" srcset="${svgUrl}">`), picture);
    assert.ok(picture.includes(`<img src="${pngUrl}" width="640" height="480" alt=`), picture);
    assert.equal(await snippetAlt(page, 'picture'), alt, format);
  }

  // The <picture> snippet works as written: a browser that takes SVG takes it.
  const chosen = await page.evaluate(async (html) => {
    const div = document.createElement('div');
    div.innerHTML = html;
    document.body.append(div);
    const img = div.querySelector('img');
    await img.decode();
    const r = [img.currentSrc, img.naturalWidth, img.naturalHeight, img.alt];
    div.remove();
    return r;
  }, await page.inputValue('#picture'));
  assert.deepEqual(chosen, [`${w.url}/charts/ties.svg?${query}`, 640, 480, alt]);

  // A chart that cannot be drawn says so in its alt text too.
  await page.fill('#bins', '0');
  await page.waitForFunction(() => document.getElementById('preview').alt.startsWith('Error: '), null, { timeout: 20_000 });
  assert.match(await page.$eval('#preview', (i) => i.alt), /bins must be an integer from 1 to 1000, got 0/);
  assert.deepEqual(failed, [], 'no request failed');
  await page.close();
});

for (const scheme of ['light', 'dark']) {
  test(`theme=auto (page in ${scheme} mode): needs SVG, and shows a light and a dark rendering`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: scheme });
    const failed = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    await page.goto(w.url + '/');
    await previewSize(page, '/charts/sales.png');
    assert.equal(await page.$eval('#dark-panel', (p) => p.hidden), true, 'one preview without auto');

    // auto while PNG is chosen: the format becomes SVG, and the page says so.
    await page.selectOption('#theme', 'auto');
    assert.equal(await page.inputValue('#format'), 'svg');
    assert.match(await page.textContent('#adjusted'), /theme=auto needs SVG.*format is now SVG/);
    await page.waitForFunction((u) => document.getElementById('url').value === u, `${w.url}/charts/sales.svg?theme=auto`, { timeout: 20_000 });
    assert.deepEqual(await previewSize(page, 'sales.svg?theme=auto'), [640, 480]);
    assert.deepEqual(await previewSize(page, 'sales.svg?theme=auto', 'preview-dark'), [640, 480]);
    assert.equal(await page.isVisible('#dark-panel'), true);
    await page.waitForTimeout(200); // the SVGs paint after they decode
    // The colours are read from a viewport screenshot: the previews at the top.
    await page.evaluate(() => window.scrollTo(0, 0));
    const c = await autoColours(page, 1);
    // The chart's own background (not the panel's): #ffffff and #16191e.
    for (const px of c.preview.corners) assert.ok(near(hexToRgb(px), '#ffffff'), `light corner ${px}`);
    for (const px of c['preview-dark'].corners) assert.ok(near(hexToRgb(px), '#16191e'), `dark corner ${px}`);
    // And the palettes' bars: #1f77b4 in light, #5ba8e5 in dark.
    assert.ok([...c.preview.colours].some((h) => near(hexToRgb(h), '#1f77b4', 3)), 'light bars');
    assert.ok(![...c.preview.colours].some((h) => near(hexToRgb(h), '#5ba8e5', 3)), 'no dark bars in light');
    assert.ok([...c['preview-dark'].colours].some((h) => near(hexToRgb(h), '#5ba8e5', 3)), 'dark bars');
    assert.ok(![...c['preview-dark'].colours].some((h) => near(hexToRgb(h), '#1f77b4', 3)), 'no light bars in dark');
    // Both panels say which is which.
    assert.match(await page.textContent('#light-panel figcaption'), /light/);
    assert.match(await page.textContent('#dark-panel figcaption'), /dark/);
    await page.locator('#images').screenshot({ path: join(out, scheme === 'light' ? 'demo-auto.png' : 'demo-auto-dark-page.png') });

    // The <picture> for auto: SVG, then a dark PNG for dark mode, then the light PNG.
    const picture = await page.inputValue('#picture');
    assert.deepEqual(picture.split('\n').map((l) => l.trim().split(' ').slice(0, 3).join(' ')), [
      '<picture>',
      `<source type="image/svg+xml" srcset="${w.url}/charts/sales.svg?theme=auto">`,
      '<source type="image/png" media="(prefers-color-scheme:',
      `<img src="${w.url}/charts/sales.png" width="640"`,
      '</picture>',
    ]);
    assert.ok(picture.includes(`media="(prefers-color-scheme: dark)" srcset="${w.url}/charts/sales.png?theme=dark">`), picture);

    // Back to PNG: the theme cannot stay auto; the page says so, one preview again.
    await page.selectOption('#format', 'png');
    assert.equal(await page.inputValue('#theme'), '');
    assert.match(await page.textContent('#adjusted'), /PNG cannot follow.*theme is now light/);
    await page.waitForFunction((u) => document.getElementById('url').value === u, `${w.url}/charts/sales.png`, { timeout: 20_000 });
    assert.deepEqual(await previewSize(page, '/charts/sales.png'), [640, 480]);
    assert.equal(await page.isVisible('#dark-panel'), false);
    assert.equal(await page.$eval('#error', (e) => e.hidden), true, 'no 400 on the way');

    // The gallery's auto example loads as SVG with auto.
    await page.click('#gallery li:nth-child(8) button');
    assert.equal(await page.inputValue('#format'), 'svg');
    assert.equal(await page.inputValue('#theme'), 'auto');
    assert.deepEqual(await previewSize(page, 'visitors.svg?theme=auto', 'preview-dark'), [640, 480]);
    assert.deepEqual(failed, [], 'no request failed');
    await page.close();
  });
}

const IMG_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

test('the parameter table drives the form: one field per row, in groups, the URL in its order; a new row gets a field', async () => {
  const rows = await (await fetch(`${w.url}/params.json`)).json();
  const names = rows.map((r) => r.name);
  assert.ok(names.length >= 20 && names.includes('kde') && names.includes('counts'), names.join(','));
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(w.url + '/');
  await previewSize(page, '/charts/sales.png');

  // Exactly one field per row, and one control named after it.
  const fields = await page.$$eval('#form [data-param]', (els) => els.map((e) => e.dataset.param));
  assert.equal(fields.length, rows.length, fields.join(','));
  assert.deepEqual([...fields].sort(), [...names].sort());
  for (const name of names) {
    assert.equal(await page.$$eval(`#form [name="${name}"]`, (els) => els.length), 1, name);
  }
  // A field made from a row: a <select> of its choices after an empty
  // default, or a text input; its doc and bound as help.
  const made = await page.$$eval('#form [data-param][data-generated]', (els) => els.map((f) => {
    const c = f.querySelector('select, input');
    return { name: f.dataset.param, tag: c.tagName, type: c.type, options: c.tagName === 'SELECT' ? [...c.options].map((o) => o.value) : null, text: f.textContent };
  }));
  assert.ok(made.length >= 10, `${made.length} generated fields`);
  for (const f of made) {
    const row = rows.find((r) => r.name === f.name);
    if (row.choices.length) assert.deepEqual([f.tag, f.options], ['SELECT', ['', ...row.choices]], f.name);
    else assert.deepEqual([f.tag, f.type], ['INPUT', 'text'], f.name);
    assert.ok(f.text.includes(row.doc) && f.text.includes(row.bound), `${f.name}: help ${f.text}`);
  }
  // Grouped: Data, Bins, Normalization, Picture, in that order.
  const groups = await page.$$eval('#form fieldset[data-group]', (els) => els.map((e) => e.dataset.group));
  assert.deepEqual(groups.slice(0, 4), ['Data', 'Bins', 'Normalization', 'Picture']);

  // Filled in any order, the URL has them in the table's order.
  await page.fill('#p-xlabel', 'Minutes');
  await page.selectOption('#p-cumulative', '1');
  await page.selectOption('#p-norm', 'percent');
  await page.fill('#bins', 'sturges');
  await page.fill('#w', '500');
  const url = `${w.url}/charts/sales.png?bins=sturges&norm=percent&cumulative=1&xlabel=Minutes&w=500`;
  const keys = [...new URL(url).searchParams.keys()];
  assert.deepEqual(keys, names.filter((n) => keys.includes(n)), 'the table orders these keys so');
  await page.waitForFunction((u) => document.getElementById('url').value === u, url, { timeout: 20_000 });
  assert.deepEqual(await previewSize(page, 'xlabel=Minutes'), [500, 480]);
  assert.equal((await fetch(url)).status, 200, url);
  await page.close();

  // A row the page has never heard of gets a field (in Other), and its
  // place in the URL follows the table; the Worker's 400 names it.
  const page2 = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page2.on('pageerror', (e) => errors.push(e.message));
  await page2.route('**/params.json', async (route) => {
    const response = await route.fetch();
    const table = await response.json();
    table.splice(table.findIndex((r) => r.name === 'norm') + 1, 0,
      { name: 'zz_probe', doc: 'a parameter the page has not heard of', bound: 'x or y', choices: ['x', 'y'], picture_only: false });
    table.push({ name: 'zz_text', doc: 'free text', bound: 'anything', choices: [], picture_only: true });
    await route.fulfill({ response, json: table });
  });
  await page2.goto(w.url + '/');
  await previewSize(page2, '/charts/sales.png', 'preview');
  assert.equal(await page2.$$eval('#form [data-param]', (els) => els.length), rows.length + 2);
  assert.deepEqual(await page2.$$eval('fieldset[data-group="Other"] [data-param]', (els) => els.map((e) => e.dataset.param)), ['zz_probe', 'zz_text']);
  assert.deepEqual(await page2.$$eval('#p-zz_probe option', (os) => os.map((o) => o.value)), ['', 'x', 'y']);
  assert.match(await page2.textContent('[data-param="zz_probe"]'), /a parameter the page has not heard of/);
  await page2.selectOption('#p-zz_probe', 'x');
  await page2.selectOption('#p-norm', 'percent');
  await page2.fill('#p-zz_text', 'hello world');
  await page2.waitForFunction((u) => document.getElementById('url').value === u,
    `${w.url}/charts/sales.png?norm=percent&zz_probe=x&zz_text=hello+world`, { timeout: 20_000 });
  await page2.waitForSelector('#error:not([hidden])', { timeout: 20_000 });
  assert.match(await page2.textContent('#error'), /Parameter “zz_probe”: 400 Bad Request: unknown parameter/);
  assert.deepEqual(errors, [], 'no script error');
  await page2.close();
});

test('a two-series chart with a KDE and marks, built in the form', async () => {
  const { page, failed } = await openDemo();
  await previewSize(page, '/charts/sales.png');

  const a = [391, 446, 428, 249, 228, 484, 462, 269, 358, 419, 342, 644, 437, 472, 425, 374, 408, 388, 457, 376, 455, 469, 480, 358, 446, 473, 339, 359, 366, 464];
  const b = [351, 323, 304, 296, 280, 333, 378, 368, 288, 304, 403, 297, 372, 312, 342, 332, 319, 351, 487, 336, 309, 298, 280, 276, 296, 329, 260, 309, 280, 367];
  // Typed as a person would: spaces, a line break, `|` between the series.
  await page.fill('#values', `${a.join(', ')}\n| ${b.join(' ')}`);
  await page.waitForFunction(() => /^2 series: 30 and 30 values, 60 in all\./.test(document.getElementById('series-count').textContent), null, { timeout: 20_000 });
  await page.fill('#p-labels', 'a|b');
  await page.fill('#p-marks', 'mean,p90');
  await page.selectOption('#p-kde', '1');
  const query = `values=${a.join('%2C')}%7C${b.join('%2C')}&labels=a%7Cb&marks=mean%2Cp90&kde=1`;
  const path = `/charts/sales.png?${query}`;
  await page.waitForFunction((u) => document.getElementById('url').value === u, w.url + path, { timeout: 20_000 });
  const url = await page.inputValue('#url');
  assert.ok(url.includes('values=') && url.includes('kde=1') && url.includes('marks=mean%2Cp90'), url);
  // The chart itself (an error would be a small picture of its message, and a 400).
  assert.deepEqual(await previewSize(page, 'kde=1'), [640, 480]);
  assert.equal((await fetch(w.url + path, { headers: { Accept: IMG_ACCEPT } })).status, 200);
  assert.equal(await page.$eval('#error', (e) => e.hidden), true);
  // The alt text says the several-series sentence, as the SVG's <desc> does.
  const alt = await svgAlt(path);
  assert.match(alt, /^Chart for "sales": Histogram of 2 series, 60 values in all, in \d+ bins, from 228 to 644; mean \d/);
  await waitForAlt(page, alt);
  assert.equal(await snippetAlt(page, 'snippet'), alt);
  await page.screenshot({ path: join(out, 'demo-series.png'), fullPage: true });

  // The same chart's JSON: two labelled series, their marks and curves,
  // shown in full in the data view.
  const json = await (await fetch(`${w.url}/charts/sales.json?${query}`)).json();
  assert.deepEqual(json.series.map((s) => s.label), ['a', 'b']);
  assert.deepEqual(json.series.map((s) => s.marks.map((m) => m.name)), [['mean', 'p90'], ['mean', 'p90']]);
  assert.ok(json.series.every((s) => s.kde.length >= 100));
  assert.equal(json.edges.length - 1, json.bins.length);
  await page.selectOption('#format', 'json');
  await page.waitForFunction(() => !document.getElementById('data').hidden, null, { timeout: 20_000 });
  assert.deepEqual(JSON.parse(await page.textContent('#data')), json);
  assert.match(await page.textContent('#preview-caption'), new RegExp(`${json.bins.length} bins, 2 series`));

  // Labels that do not match the series: the page says so before the Worker does.
  await page.fill('#p-labels', 'a');
  assert.match(await page.textContent('#series-count'), /Labels has 1 name for 2 series/);
  assert.deepEqual(failed, [], 'no request failed');
  await page.close();
});

test('the showcase row: every chart loads (no 400), has alt text and a caption, and opens in the builder', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const bad = [];
  page.on('response', (r) => { if (r.url().includes('/charts/') && r.status() >= 400) bad.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => bad.push(`page error: ${e.message}`));
  await page.goto(w.url + '/');
  await previewSize(page, '/charts/sales.png');
  const imgs = await page.$$('#showcase img');
  assert.equal(imgs.length, 4);
  for (const img of imgs) {
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, img, { timeout: 20_000 });
  }
  await page.locator('#showcase').screenshot({ path: join(out, 'demo-showcase.png') });
  const shown = await page.$$eval('#showcase figure', (figs) => figs.map((f) => {
    const i = f.querySelector('img');
    return { src: i.getAttribute('src'), alt: i.alt, nw: i.naturalWidth, nh: i.naturalHeight, caption: f.querySelector('figcaption').textContent.trim() };
  }));
  const has = (q) => shown.find((s) => q.every(([k, v]) => new URL(s.src, 'http://x').searchParams.get(k) === v));
  assert.ok(has([['mode', 'overlay']]) && has([['norm', 'density'], ['kde', '1'], ['marks', 'mean,p90']])
    && has([['cumulative', '1'], ['norm', 'percent'], ['mode', 'step']]), 'the four kinds of chart');
  assert.ok(shown.some((s) => /[?&]counts=.*&edges=.*&labels=/.test(s.src)), 'a pre-binned chart');
  for (const s of shown) {
    assert.ok(s.src.startsWith('/charts/'), s.src);
    const r = await fetch(w.url + s.src, { headers: { Accept: IMG_ACCEPT } });
    assert.equal(r.status, 200, `${s.src}: ${r.status} ${r.headers.get('x-chart-error')}`);
    assert.equal(r.headers.get('content-type'), 'image/png');
    await r.arrayBuffer();
    const u = new URL(s.src, 'http://x');
    const dpr = Number(u.searchParams.get('dpr') || 1);
    assert.deepEqual([s.nw, s.nh], [Number(u.searchParams.get('w')) * dpr, Number(u.searchParams.get('h')) * dpr], s.src);
    assert.ok(s.alt.length > 40, `alt of ${s.src}`);
    assert.ok(s.caption.length > 10, `caption of ${s.src}`);
  }
  // Open the density in the builder: every parameter lands in its field.
  const kdeSrc = has([['kde', '1']]).src;
  await page.click(`#showcase figure:nth-child(${shown.findIndex((s) => s.src === kdeSrc) + 1}) button[data-load]`);
  assert.equal(await page.inputValue('#p-kde'), '1');
  assert.equal(await page.inputValue('#p-norm'), 'density');
  assert.equal(await page.inputValue('#p-marks'), 'mean,p90');
  const built = new URL(await page.inputValue('#url'));
  assert.deepEqual(Object.fromEntries(built.searchParams), Object.fromEntries(new URL(kdeSrc, 'http://x').searchParams));
  assert.deepEqual(await previewSize(page, '/charts/delivery.png'), [480, 320]);
  // And the pre-binned one: the page sees two series of counts.
  await page.click(`#showcase figure:nth-child(${shown.findIndex((s) => s.src.includes('counts=')) + 1}) button[data-load]`);
  assert.match(await page.textContent('#series-count'), /2 series of pre-binned counts/);
  assert.match(await page.inputValue('#url'), /\?counts=12%2C40%2C/);
  assert.deepEqual(bad, [], 'no chart answered an error');
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
  // theme=auto (two previews, stacked) and the data preview fit as well.
  await page.selectOption('#theme', 'auto');
  await previewSize(page, 'sales-q4.svg?theme=auto', 'preview-dark');
  const [light, dark] = await page.$$eval('#preview, #preview-dark', (imgs) => imgs.map((i) => i.getBoundingClientRect().toJSON()));
  assert.ok(dark.top >= light.bottom, 'stacked on a phone');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, 'auto fits');
  await page.locator('#images').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(out, 'demo-phone-auto.png') });
  await page.selectOption('#format', 'json');
  await page.waitForFunction(() => !document.getElementById('data').hidden, null, { timeout: 20_000 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, 'the data fits');
  const unlabeledNow = await page.$$eval('input, select, textarea', (els) =>
    els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.id));
  assert.deepEqual(unlabeledNow, []);
  await page.close();
});

test('the data panel: paste a CSV, it is posted from the page, the permanent URLs and the chart appear', async () => {
  const { page, failed } = await openDemo();
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(new URL(r.url()).pathname); });
  const rows = ['before,after', ...Array.from({ length: 300 }, (_, i) =>
    `${(60 + 10 * Math.sin(i)).toFixed(1)},${(i % 7 === 0 ? '' : (55 + 8 * Math.cos(i * 1.3)).toFixed(2))}`)];
  await page.fill('#csv', rows.join('\n'));
  await page.click('#upload-button');
  await page.waitForFunction(() => !document.getElementById('upload-result').hidden, null, { timeout: 20_000 });
  assert.deepEqual(posts, ['/data'], 'posted to its own origin');
  const status = await page.textContent('#upload-status');
  assert.match(status, /Stored 557 numbers as [0-9a-f]{32}/);
  const links = await page.$$eval('#upload-urls a', (as) => as.map((a) => [a.dataset.format, a.href]));
  assert.deepEqual(links.map((l) => l[0]), ['png', 'svg', 'csv', 'json']);
  for (const [f, href] of links) {
    assert.ok(href.startsWith(`${w.url}/charts/d/`) && href.endsWith(`.${f}`), href);
    assert.equal((await fetch(href)).status, 200, href);
  }
  const [width, height] = await previewSize(page, '/charts/d/', 'upload-chart');
  assert.deepEqual([width, height], [640, 480]);
  await page.locator('.upload').screenshot({ path: join(out, 'demo-data.png') });
  // A bad CSV says what is wrong, in the page.
  await page.fill('#csv', 'a\nnot-a-number\n');
  await page.click('#upload-button');
  await page.waitForFunction(() => document.getElementById('upload-status').className === 'error', null, { timeout: 20_000 });
  assert.match(await page.textContent('#upload-status'), /400.*CSV line 2 column 1/);
  assert.deepEqual(failed, [], 'no request failed, no script error');
  await page.close();
});
