// The demo page: builds chart URLs from the form, previews them (an image
// for PNG and SVG, the text for CSV and JSON), says the chart in words from
// its JSON, shows what the Worker answered (and what a revalidation
// answers). No framework.
//
// The form is driven by /params.json, the Worker's one table of query
// parameters (written from src/spec/params.rs): every row is one field,
// either a control written in index.html (`data-param="..."`) or one made
// here from the row (a <select> of its choices, or a text input, with its
// doc and bound as help). The URL has the non-empty fields in the table's
// order. Nothing here lists the parameters; GROUPS only says where a field
// is shown.
'use strict';

const HEADERS = ['status', 'content-type', 'content-encoding', 'etag', 'last-modified', 'cache-control', 'x-chart-source', 'server-timing', 'content-length'];
const DEBOUNCE_MS = 300;

/** Presentation only: the groups of the form, in order, and which group
 * shows which parameter. A row of the table not named here goes to Other;
 * a name here that the table lacks shows nothing. Within a group, fields
 * come in the table's order. */
const GROUPS = [
  { name: 'Data', blurb: 'What to chart: your numbers (one series or several), generated draws, or counts you binned yourself.' },
  { name: 'Bins', blurb: 'How the axis is cut into bins.' },
  { name: 'Normalization', blurb: 'What the bars show, and the curve and lines drawn over them.' },
  { name: 'Picture', blurb: 'Words, layout, colours and size of the image.' },
  { name: 'Other', blurb: 'Parameters this page has no place for yet.' },
];
const GROUP_OF = {
  values: 'Data', n: 'Data', counts: 'Data', labels: 'Data',
  bins: 'Bins', binwidth: 'Bins', edges: 'Bins', range: 'Bins', xscale: 'Bins',
  norm: 'Normalization', cumulative: 'Normalization', marks: 'Normalization', kde: 'Normalization',
  mode: 'Picture', title: 'Picture', xlabel: 'Picture', ylabel: 'Picture', yscale: 'Picture',
  colors: 'Picture', w: 'Picture', h: 'Picture', dpr: 'Picture', theme: 'Picture', lang: 'Picture',
};
/** Presentation only: generated fields given the form's full width (long lists). */
const WIDE = new Set(['counts', 'edges']);

const EXAMPLES = [
  { label: 'The classic chart', path: '/charts/sales.png' },
  { label: 'Another name, other draws', path: '/charts/visitors.png' },
  { label: 'Your own data', path: '/charts/weights.png?values=61.2,70.1,68.4,77,59.9,82.3,71.5,66,69.8,73.3,64.2,70&title=Body+weight+(kg)' },
  { label: 'Dark theme', path: '/charts/sales.png?theme=dark' },
  { label: 'Retina (dpr=2), small', path: '/charts/latency.png?w=320&h=200&dpr=2&n=5000&bins=60&title=Latency' },
  { label: 'Many draws, wide', path: '/charts/wide.png?w=640&h=240&n=100000&bins=200' },
  { label: 'Vectors (SVG)', path: '/charts/sales.svg' },
  { label: 'Follows light and dark mode (SVG, theme=auto)', path: '/charts/visitors.svg?theme=auto' },
  { label: 'Text in every script (lang=ja)', path: '/charts/tokyo.png?title=%E6%9D%B1%E4%BA%AC%E3%81%AE%E6%B0%97%E6%B8%A9%20%D8%AF%D8%B1%D8%AC%D8%A9%20%D8%A7%D9%84%D8%AD%D8%B1%D8%A7%D8%B1%D8%A9%20%E0%A4%A4%E0%A4%BE%E0%A4%AA%E0%A4%AE%E0%A4%BE%E0%A4%A8&lang=ja&labels=%E4%BB%8A%E5%B9%B4%7C%E5%8E%BB%E5%B9%B4&values=12,14,15,15,17,18|11,12,14,16,16' },
  { label: 'Right to left, with numbers (SVG)', path: '/charts/sales-ar.svg?title=%D9%85%D8%A8%D9%8A%D8%B9%D8%A7%D8%AA%202024%20%28Q1%29&xlabel=%D8%A7%D9%84%D8%A3%D8%B3%D8%A8%D9%88%D8%B9&values=3,5,5,6,7,7,7,9&theme=auto' },
];

const $ = (id) => document.getElementById(id);
const form = $('form');
const preview = $('preview');
const previewDark = $('preview-dark');
let timer = 0;
let generation = 0;
let summaryGeneration = 0;

/** The parameters in the table's order, and each one's form control. */
let order = [];
const controls = new Map();

/** The table's rows, or null when /params.json cannot be had. */
async function loadTable() {
  try {
    const r = await fetch('/params.json', { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
    const rows = await r.json();
    if (!Array.isArray(rows)) throw new Error('not a list');
    const seen = new Set();
    return rows.filter((row) => row && typeof row.name === 'string' && row.name !== ''
      && !seen.has(row.name) && seen.add(row.name))
      .map((row) => ({
        name: row.name,
        doc: String(row.doc ?? ''),
        bound: String(row.bound ?? ''),
        choices: Array.isArray(row.choices) ? row.choices.map(String) : [],
        picture_only: row.picture_only === true,
      }));
  } catch (e) {
    const note = $('table-note');
    note.hidden = false;
    note.textContent = `The parameter table (/params.json) did not load (${e.message}): only the main fields are shown.`;
    return null;
  }
}

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/** "…; default count" says the default; the empty option shows it. */
function defaultOf(bound) {
  const m = bound.match(/(?:^|; )default ([^;]+)$/);
  return m ? m[1] : '';
}

/** The help under a field: what it means, its bound, whether only pictures show it. */
function help(row, id) {
  const small = el('small', { id, className: 'param-help' });
  if (row.doc) small.append(el('span', { className: 'doc' }, row.doc));
  if (row.bound) small.append(el('span', { className: 'bound' }, row.bound));
  if (row.picture_only) small.append(el('span', { className: 'only' }, 'PNG and SVG only'));
  return small;
}

/** A field made from a row: a <select> of its choices (and an empty
 * "default"), or a text input. */
function generatedField(row) {
  const id = `p-${row.name}`;
  let control;
  if (row.choices.length) {
    const dflt = defaultOf(row.bound);
    control = el('select', {}, new Option(dflt ? `default (${dflt})` : 'default', ''),
      ...row.choices.map((c) => new Option(c, c)));
  } else {
    control = el('input', { type: 'text', autocomplete: 'off', spellcheck: false });
  }
  control.id = id;
  control.name = row.name;
  control.setAttribute('aria-describedby', `${id}-help`);
  const field = el('div', { className: `field${WIDE.has(row.name) ? ' wide' : ''}` },
    el('label', { htmlFor: id }, el('code', {}, row.name)), control, help(row, `${id}-help`));
  field.dataset.param = row.name;
  field.dataset.generated = '';
  return field;
}

/** A control written in index.html takes from its row what it lacks: the
 * help (`data-help="table"`: doc and bound; `"bound"`: the bound added),
 * and for a text input with choices, a list to pick from. */
function fitDedicated(field, row) {
  const control = field.querySelector('input, select, textarea');
  const small = field.querySelector('small[data-help]');
  if (small?.dataset.help === 'table') small.replaceWith(help(row, small.id));
  else if (small?.dataset.help === 'bound' && row.bound) small.append(' ', el('span', { className: 'bound' }, `(${row.bound})`));
  if (row.choices.length && control.tagName === 'INPUT') {
    const list = el('datalist', { id: `${control.id}-choices` }, ...row.choices.map((c) => new Option(c, c)));
    control.setAttribute('list', list.id);
    field.append(list);
  }
  if (row.picture_only && !field.querySelector('.only')) {
    const only = el('span', { className: 'only' }, 'PNG and SVG only');
    const last = field.querySelector('small');
    if (last) last.append(' ', only);
    else field.append(el('small', { className: 'param-help' }, only));
  }
}

/** Lays out the form from the table: every row once, in its group. */
function buildForm(rows) {
  const dedicated = new Map([...form.querySelectorAll('.field[data-param]')].map((f) => [f.dataset.param, f]));
  if (!rows) {
    // No table: the fields written in the page, in their order.
    for (const [name, field] of dedicated) {
      order.push(name);
      controls.set(name, field.querySelector('input, select, textarea'));
    }
    return;
  }
  const groups = new Map(GROUPS.map((g) => [g.name, { ...g, fields: [] }]));
  for (const row of rows) {
    const field = dedicated.get(row.name) ?? generatedField(row);
    if (dedicated.has(row.name)) fitDedicated(field, row);
    dedicated.delete(row.name);
    const group = groups.get(GROUP_OF[row.name]) ?? groups.get('Other');
    group.fields.push(field);
    order.push(row.name);
    controls.set(row.name, field.querySelector('input, select, textarea'));
  }
  // A control the table no longer has would build URLs the Worker refuses.
  for (const field of dedicated.values()) field.remove();
  for (const g of groups.values()) {
    if (!g.fields.length) continue;
    const set = el('fieldset', { className: 'group' },
      el('legend', {}, g.name),
      el('p', { className: 'blurb' }, g.blurb),
      el('div', { className: 'fields' }, ...g.fields));
    set.dataset.group = g.name;
    form.append(set);
  }
  $('api').textContent = `GET /charts/{name}.{png,svg,csv,json}?${order.map((n) => `${n}=`).join('&')}`;
}

/** The series in the values text: `|` between series, commas or spaces
 * between numbers; empty series are left out. */
function seriesOf(text) {
  return text.split('|').map((s) => s.split(/[\s,]+/).filter(Boolean)).filter((s) => s.length > 0);
}

const fieldValue = (name) => controls.get(name)?.value.trim() ?? '';

/** The chart URL (path and query) the form describes, as `format`. */
function chartPath(format = $('format').value, { theme } = {}) {
  const name = $('name').value.trim() || 'sales';
  const params = new URLSearchParams();
  for (const p of order) {
    let v = fieldValue(p);
    if (controls.get(p) === $('values')) v = seriesOf(v).map((s) => s.join(',')).join('|');
    if (controls.get(p) === $('theme') && theme !== undefined) v = theme;
    if (v !== '') params.set(p, v);
  }
  const q = params.toString();
  return `/charts/${encodeURIComponent(name)}.${format}${q ? `?${q}` : ''}`;
}

const absolute = (path) => new URL(path, location.origin).href;

function cssSize() {
  const w = Number($('w')?.value) || 640;
  const h = Number($('h')?.value) || 480;
  return [w, h];
}

const isImage = (format) => format === 'png' || format === 'svg';

const list = (xs) => (xs.length < 3 ? xs.join(' and ') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/** What the page sees in the values (or counts): how many series, how many
 * numbers each, and whether the labels match. */
function countSeries() {
  const out = $('series-count');
  if (!out) return;
  const values = seriesOf($('values')?.value ?? '');
  const counts = controls.has('counts') ? seriesOf(fieldValue('counts')) : [];
  let text;
  let n = 0;
  if (values.length) {
    n = values.length;
    const total = values.reduce((t, s) => t + s.length, 0);
    text = n === 1
      ? `1 series of ${total} value${total === 1 ? '' : 's'}.`
      : `${n} series: ${list(values.map((s) => s.length))} values, ${total} in all.`;
    if (n > 8) text += ' At most 8 series are allowed.';
  } else if (counts.length) {
    n = counts.length;
    text = `No values; counts give ${n} series of pre-binned counts.`;
  } else {
    text = 'No values: the chart shows generated standard-normal draws, seeded by the name.';
  }
  const labels = fieldValue('labels');
  if (n && labels) {
    const k = labels.split('|').length;
    if (k !== n) text += ` Labels has ${k} name${k === 1 ? '' : 's'} for ${n} series.`;
  }
  out.textContent = text;
}

function update() {
  const format = $('format').value;
  const path = chartPath();
  const auto = format === 'svg' && fieldValue('theme') === 'auto';
  const [w, h] = cssSize();
  $('url').value = absolute(path);
  $('preview-caption').textContent = path;
  if ($('title')) $('title').placeholder = `Chart for "${$('name').value.trim() || 'sales'}"`;
  countSeries();

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
  return fieldValue('title') || `Chart for "${$('name').value.trim() || 'sales'}"`;
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
  const auto = fieldValue('theme') === 'auto';
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

/** What the Worker says in the SVG's <desc> (src/chart/summary.rs
 * `Summary::sentence`), from the JSON: the pooled summary, the bins
 * between the edges, and with several series how many. */
function sentence({ summary: s, bins, edges, series }) {
  const plural = (n, one, many) => (n === 1 ? `1 ${one}` : `${n} ${many}`);
  const binCount = Array.isArray(edges) ? Math.max(0, edges.length - 1) : bins.length;
  // Pre-binned counts may be fractional (weights): then the count is a number.
  const count = Number.isInteger(s.count) && s.count < 1e15
    ? plural(s.count, 'value', 'values')
    : `${readable(s.count)} values`;
  const several = Array.isArray(series) ? series.length : 1;
  const of = several > 1 ? `${several} series, ${count} in all,` : count;
  return `Histogram of ${of} in ${plural(binCount, 'bin', 'bins')}, `
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

/** The JSON laid out for reading (the Worker sends one line): a key a
 * line, one bin a line, and each series a key a line; the numbers are the
 * same (JSON.parse of the text gives the same value). */
function layoutJson(j) {
  const pad = (n) => ' '.repeat(n);
  const compact = (v) => JSON.stringify(v);
  const entries = (obj, indent, value) => Object.entries(obj)
    .map(([k, v]) => `${pad(indent)}${JSON.stringify(k)}: ${value(v, indent)}`).join(',\n');
  // An array of objects: one a line; an object holding arrays: a key a line.
  const block = (v, indent) => {
    if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const items = v.map((x) => (Object.values(x).some(Array.isArray)
        ? `${pad(indent + 2)}{\n${entries(x, indent + 4, compact)}\n${pad(indent + 2)}}`
        : `${pad(indent + 2)}${compact(x)}`));
      return `[\n${items.join(',\n')}\n${pad(indent)}]`;
    }
    return compact(v);
  };
  return `{\n${entries(j, 2, block)}\n}`;
}

/** CSV as it comes; JSON laid out for reading (the Worker sends one line). */
function showData(format, body) {
  const data = $('data');
  let text = body;
  let note = `${new TextEncoder().encode(body).length} bytes`;
  if (format === 'json') {
    try {
      const j = JSON.parse(body);
      text = layoutJson(j);
      const several = Array.isArray(j.series) && j.series.length > 1 ? `, ${j.series.length} series` : '';
      note += `, ${j.bins.length} bins${several}; shown one bin a line`;
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
  const theme = controls.get('theme');
  if (!theme) return;
  if (changed === theme.id && theme.value === 'auto' && $('format').value === 'png') {
    $('format').value = 'svg';
    note.textContent = 'theme=auto needs SVG (a PNG cannot follow the viewer’s mode): the format is now SVG.';
  } else if (changed === 'format' && $('format').value === 'png' && theme.value === 'auto') {
    theme.value = '';
    note.textContent = 'A PNG cannot follow the viewer’s mode: the theme is now light. Choose SVG for auto.';
  } else if (changed === theme.id || changed === 'format') {
    note.textContent = '';
  }
}

/** Loads a chart URL's parameters into the form. */
function load(path) {
  const url = new URL(path, location.origin);
  const m = url.pathname.match(/^\/charts\/(.+)\.(png|svg|csv|json)$/);
  $('name').value = m ? decodeURIComponent(m[1]) : 'sales';
  $('format').value = m ? m[2] : 'png';
  for (const [p, control] of controls) control.value = url.searchParams.get(p) ?? '';
  const unknown = [...url.searchParams.keys()].filter((k) => !controls.has(k));
  $('adjusted').textContent = unknown.length ? `Not in this page’s table, left out: ${unknown.join(', ')}.` : '';
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
  // The showcase row is written in the page: its buttons load their image's URL.
  for (const b of document.querySelectorAll('[data-load]')) {
    b.addEventListener('click', () => load(b.closest('figure').querySelector('img').getAttribute('src')));
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

async function start() {
  buildForm(await loadTable());
  form.addEventListener('input', () => {
    countSeries();
    schedule();
  });
  form.addEventListener('change', (e) => {
    reconcile(e.target.id);
    schedule();
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); update(); });
  for (const b of document.querySelectorAll('[data-copy]')) b.addEventListener('click', () => copy(b.dataset.copy));
  gallery();
  update();
}

start();
