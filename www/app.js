// The demo page: builds chart URLs from the form, previews them (an image
// for PNG and SVG, the text for CSV and JSON), says the chart in words from
// its JSON, shows what the Worker answered (and what a revalidation
// answers). No framework.
'use strict';

const FIELDS = ['values', 'n', 'bins', 'title', 'w', 'h', 'dpr', 'theme'];
const HEADERS = ['status', 'content-type', 'content-encoding', 'etag', 'last-modified', 'cache-control', 'x-chart-source', 'server-timing', 'content-length'];
const DEBOUNCE_MS = 300;

const EXAMPLES = [
  { label: 'The classic chart', path: '/charts/sales.png' },
  { label: 'Another name, other draws', path: '/charts/visitors.png' },
  { label: 'Your own data', path: '/charts/weights.png?values=61.2,70.1,68.4,77,59.9,82.3,71.5,66,69.8,73.3,64.2,70&title=Body+weight+(kg)' },
  { label: 'Dark theme', path: '/charts/sales.png?theme=dark' },
  { label: 'Retina (dpr=2), small', path: '/charts/latency.png?w=320&h=200&dpr=2&n=5000&bins=60&title=Latency' },
  { label: 'Many draws, wide', path: '/charts/wide.png?w=640&h=240&n=100000&bins=200' },
  { label: 'Vectors (SVG)', path: '/charts/sales.svg' },
  { label: 'Follows light and dark mode (SVG, theme=auto)', path: '/charts/visitors.svg?theme=auto' },
];

const $ = (id) => document.getElementById(id);
const form = $('form');
const preview = $('preview');
const previewDark = $('preview-dark');
let timer = 0;
let generation = 0;
let summaryGeneration = 0;

/** The chart URL (path and query) the form describes, as `format`. */
function chartPath(format = $('format').value, { theme } = {}) {
  const name = $('name').value.trim() || 'sales';
  const params = new URLSearchParams();
  for (const f of FIELDS) {
    let v = $(f).value.trim();
    if (f === 'values') v = v.split(/[\s,]+/).filter(Boolean).join(',');
    if (f === 'theme' && theme !== undefined) v = theme;
    if (v !== '') params.set(f, v);
  }
  const q = params.toString();
  return `/charts/${encodeURIComponent(name)}.${format}${q ? `?${q}` : ''}`;
}

const absolute = (path) => new URL(path, location.origin).href;

function cssSize() {
  const w = Number($('w').value) || 640;
  const h = Number($('h').value) || 480;
  return [w, h];
}

const isImage = (format) => format === 'png' || format === 'svg';

function update() {
  const format = $('format').value;
  const path = chartPath();
  const auto = format === 'svg' && $('theme').value === 'auto';
  const [w, h] = cssSize();
  $('url').value = absolute(path);
  $('preview-caption').textContent = path;
  $('title').placeholder = `Chart for "${$('name').value.trim() || 'sales'}"`;

  // The preview: one image, two (light and dark) for theme=auto, or text.
  $('images').hidden = !isImage(format);
  $('images').classList.toggle('two', auto);
  $('dark-panel').hidden = !auto;
  $('light-caption').hidden = !auto;
  for (const img of [preview, previewDark]) {
    img.width = w;
    img.height = h;
    img.alt = fallbackAlt(); // until the JSON says more
  }
  if (isImage(format)) {
    preview.src = path;
    if (auto) previewDark.src = path;
    else previewDark.removeAttribute('src');
  } else {
    preview.removeAttribute('src');
    previewDark.removeAttribute('src');
  }
  $('data').hidden = true;

  writeSnippets(fallbackAlt());
  inspect(path, format);
  summarize();
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, DEBOUNCE_MS);
}

/** What the page says before the chart's JSON arrives: its title. */
function fallbackAlt() {
  return $('title').value.trim() || `Chart for "${$('name').value.trim() || 'sales'}"`;
}

/** The <img> (or, for data, <a>) snippet and the <picture> snippet. */
function writeSnippets(alt, title = fallbackAlt()) {
  const format = $('format').value;
  const [w, h] = cssSize();
  const size = `width="${w}" height="${h}"`;
  const abs = absolute(chartPath());
  if (isImage(format)) {
    $('snippet').value = `<img src="${escapeHtml(abs)}" ${size} alt="${escapeHtml(alt)}">`;
    $('snippet-copy').textContent = 'Copy <img>';
    $('snippet-label').textContent = 'HTML';
  } else {
    const type = format === 'csv' ? 'text/csv' : 'application/json';
    $('snippet').value = `<a href="${escapeHtml(abs)}" type="${type}">${escapeHtml(title)} (${format.toUpperCase()})</a>`;
    $('snippet-copy').textContent = 'Copy <a>';
    $('snippet-label').textContent = 'HTML: a link to the data';
  }
  // SVG where the browser takes it, else a PNG; for theme=auto the PNG
  // fallback follows the colour scheme through a media query.
  const auto = $('theme').value === 'auto';
  const svg = absolute(chartPath('svg'));
  const png = absolute(chartPath('png', auto ? { theme: '' } : {}));
  const lines = ['<picture>', `  <source type="image/svg+xml" srcset="${escapeHtml(svg)}">`];
  if (auto) {
    const dark = absolute(chartPath('png', { theme: 'dark' }));
    lines.push(`  <source type="image/png" media="(prefers-color-scheme: dark)" srcset="${escapeHtml(dark)}">`);
  }
  lines.push(`  <img src="${escapeHtml(png)}" ${size} alt="${escapeHtml(alt)}">`, '</picture>');
  $('picture').value = lines.join('\n');
  $('picture').rows = lines.length;
}

/** The chart in words, from the JSON of the same chart: the sentence the
 * SVG's <desc> holds, after the title. */
async function summarize() {
  const mine = ++summaryGeneration;
  let alt, title;
  try {
    const r = await fetch(chartPath('json'), { headers: { Accept: 'application/json' } });
    const body = await r.text();
    if (mine !== summaryGeneration) return;
    if (r.ok) {
      const j = JSON.parse(body);
      title = j.title;
      alt = title ? `${title}: ${sentence(j)}` : sentence(j);
    } else {
      alt = `Error: ${body.trim()}`;
    }
  } catch (e) {
    if (mine !== summaryGeneration) return;
    alt = fallbackAlt();
  }
  preview.alt = alt;
  previewDark.alt = alt;
  writeSnippets(alt, title || fallbackAlt());
}

/** What the Worker says in the SVG's <desc>, from the JSON summary. */
function sentence({ summary: s, bins }) {
  const plural = (n, one, many) => (n === 1 ? `1 ${one}` : `${n} ${many}`);
  return `Histogram of ${plural(s.count, 'value', 'values')} in ${plural(bins.length, 'bin', 'bins')}, `
    + `from ${readable(s.min)} to ${readable(s.max)}; mean ${readable(s.mean)}, standard deviation ${readable(s.std_dev)}.`;
}

/** `v` to four significant digits, trailing zeros removed, as the Worker
 * writes it (src/chart/summary.rs `readable`): 0.01235, 1235, 1.235e20;
 * exact halves round to even, as Rust's formatting does. */
function readable(v) {
  if (v === 0) return '0';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  const [digits, scale] = exactDecimal(a); // a = digits / 10^scale, exactly
  const trim = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (!(a >= 1e-3 && a < 1e6)) {
    const len = digits.toString().length;
    let exp = len - 1 - scale;
    let m = len >= 4 ? roundHalfEven(digits, 10n ** BigInt(len - 4)) : digits * 10n ** BigInt(4 - len);
    if (m >= 10000n) { m /= 10n; exp += 1; }
    const s = m.toString();
    return `${sign}${trim(`${s[0]}.${s.slice(1)}`)}e${exp}`;
  }
  const places = Math.max(0, 3 - Math.floor(Math.log10(a)));
  const n = roundHalfEven(digits * 10n ** BigInt(places), 10n ** BigInt(scale));
  if (places === 0) return sign + n.toString();
  const s = n.toString().padStart(places + 1, '0');
  return sign + trim(`${s.slice(0, -places)}.${s.slice(-places)}`);
}

/** A finite double > 0 as [D, k] with the value exactly D / 10^k. */
function exactDecimal(a) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return [mantissa << BigInt(exp), 0];
  return [mantissa * 5n ** BigInt(-exp), -exp]; // m / 2^k = m * 5^k / 10^k
}

function roundHalfEven(n, d) {
  const q = n / d;
  const twice = 2n * (n % d);
  return twice > d || (twice === d && q % 2n === 1n) ? q + 1n : q;
}

/** Shows the Worker's answer, then what a revalidation with the ETag gets;
 * for CSV and JSON, the data too. */
async function inspect(path, format) {
  const mine = ++generation;
  const errorBox = $('error');
  let first, second;
  try {
    first = await fetch(path, { cache: 'no-store', headers: { Accept: 'text/plain' } });
    const body = await first.text(); // read it all, so the request completes
    if (mine !== generation) return;
    if (first.ok) {
      errorBox.hidden = true;
      errorBox.textContent = '';
      if (!isImage(format)) showData(format, body);
    } else {
      errorBox.hidden = false;
      const param = first.headers.get('x-chart-error');
      errorBox.textContent = (param ? `Parameter “${param}”: ` : '') + body.trim();
    }
    const etag = first.headers.get('etag');
    if (etag) {
      second = await fetch(path, { cache: 'no-store', headers: { 'If-None-Match': etag } });
      await second.arrayBuffer();
      if (mine !== generation) return;
    }
  } catch (e) {
    errorBox.hidden = false;
    errorBox.textContent = `The Worker did not answer: ${e.message}`;
    return;
  }
  const rows = HEADERS.map((h) => {
    const cell = (r) => (!r ? '—' : h === 'status' ? `${r.status} ${r.statusText}` : r.headers.get(h) ?? '—');
    return `<tr><th scope="row">${h}</th><td>${escapeHtml(cell(first))}</td><td>${escapeHtml(cell(second))}</td></tr>`;
  });
  $('answer').innerHTML = rows.join('');
}

/** CSV as it comes; JSON with one bin a line (the Worker sends one line). */
function showData(format, body) {
  const data = $('data');
  let text = body;
  let note = `${new TextEncoder().encode(body).length} bytes`;
  if (format === 'json') {
    try {
      const j = JSON.parse(body);
      const bins = j.bins.map((b) => `    ${JSON.stringify(b)}`).join(',\n');
      text = `{\n  "title": ${JSON.stringify(j.title)},\n  "summary": ${JSON.stringify(j.summary)},\n  "bins": [\n${bins}\n  ]\n}`;
      note += `, ${j.bins.length} bins; shown one bin a line`;
    } catch { /* show it as it came */ }
  } else {
    note += `, ${Math.max(0, body.trim().split(/\r?\n/).length - 1)} bins`;
  }
  data.textContent = text;
  data.hidden = false;
  $('preview-caption').textContent = `${chartPath()} (${note})`;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

/** theme=auto is for SVG: the last choice wins, and the page says what it changed. */
function reconcile(changed) {
  const note = $('adjusted');
  if (changed === 'theme' && $('theme').value === 'auto' && $('format').value === 'png') {
    $('format').value = 'svg';
    note.textContent = 'theme=auto needs SVG (a PNG cannot follow the viewer’s mode): the format is now SVG.';
  } else if (changed === 'format' && $('format').value === 'png' && $('theme').value === 'auto') {
    $('theme').value = '';
    note.textContent = 'A PNG cannot follow the viewer’s mode: the theme is now light. Choose SVG for auto.';
  } else if (changed === 'theme' || changed === 'format') {
    note.textContent = '';
  }
}

/** Loads a chart URL's parameters into the form. */
function load(path) {
  const url = new URL(path, location.origin);
  const m = url.pathname.match(/^\/charts\/(.+)\.(png|svg|csv|json)$/);
  $('name').value = m ? decodeURIComponent(m[1]) : 'sales';
  $('format').value = m ? m[2] : 'png';
  for (const f of FIELDS) $(f).value = url.searchParams.get(f) ?? '';
  $('adjusted').textContent = '';
  update();
  $('builder-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function gallery() {
  const list = $('gallery');
  for (const ex of EXAMPLES) {
    const url = new URL(ex.path, location.origin);
    const w = Number(url.searchParams.get('w')) || 640;
    const h = Number(url.searchParams.get('h')) || 480;
    const li = document.createElement('li');
    li.innerHTML = `<button type="button" class="example" aria-label="Load example: ${escapeHtml(ex.label)}">
        <img src="${escapeHtml(ex.path)}" width="${w}" height="${h}" alt="${escapeHtml(ex.label)}" loading="lazy">
      </button>
      <span class="label">${escapeHtml(ex.label)}</span>
      <code><a href="${escapeHtml(ex.path)}">${escapeHtml(ex.path)}</a></code>`;
    li.querySelector('button').addEventListener('click', () => load(ex.path));
    list.appendChild(li);
  }
}

async function copy(id) {
  const text = $(id).value;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    $(id).select();
    document.execCommand('copy');
  }
  const what = id === 'url' ? 'URL' : id === 'picture' ? '<picture> tag' : isImage($('format').value) ? '<img> tag' : '<a> link';
  $('copied').textContent = `${what} copied.`;
}

form.addEventListener('input', schedule);
form.addEventListener('change', (e) => {
  reconcile(e.target.id);
  schedule();
});
form.addEventListener('submit', (e) => { e.preventDefault(); update(); });
for (const b of document.querySelectorAll('[data-copy]')) b.addEventListener('click', () => copy(b.dataset.copy));
gallery();
update();
