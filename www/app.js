// The demo page: builds chart URLs from the form, previews them, shows what
// the Worker answered (and what a revalidation answers). No framework.
'use strict';

const FIELDS = ['values', 'n', 'bins', 'title', 'w', 'h', 'dpr', 'theme'];
const HEADERS = ['status', 'etag', 'last-modified', 'cache-control', 'x-chart-source', 'server-timing', 'content-length'];
const DEBOUNCE_MS = 300;

const EXAMPLES = [
  { label: 'The classic chart', path: '/charts/sales.png' },
  { label: 'Another name, other draws', path: '/charts/visitors.png' },
  { label: 'Your own data', path: '/charts/weights.png?values=61.2,70.1,68.4,77,59.9,82.3,71.5,66,69.8,73.3,64.2,70&title=Body+weight+(kg)' },
  { label: 'Dark theme', path: '/charts/sales.png?theme=dark' },
  { label: 'Retina (dpr=2), small', path: '/charts/latency.png?w=320&h=200&dpr=2&n=5000&bins=60&title=Latency' },
  { label: 'Many draws, wide', path: '/charts/wide.png?w=640&h=240&n=100000&bins=200' },
];

const $ = (id) => document.getElementById(id);
const form = $('form');
const preview = $('preview');
let timer = 0;
let generation = 0;

/** The chart URL (path and query) the form describes. */
function chartPath() {
  const name = $('name').value.trim() || 'sales';
  const params = new URLSearchParams();
  for (const f of FIELDS) {
    let v = $(f).value.trim();
    if (f === 'values') v = v.split(/[\s,]+/).filter(Boolean).join(',');
    if (v !== '') params.set(f, v);
  }
  const q = params.toString();
  return `/charts/${encodeURIComponent(name)}.png${q ? `?${q}` : ''}`;
}

function cssSize() {
  const w = Number($('w').value) || 640;
  const h = Number($('h').value) || 480;
  return [w, h];
}

function describe() {
  const values = $('values').value.trim();
  const data = values ? `${values.split(/[\s,]+/).filter(Boolean).length} of your values`
    : `${$('n').value || 1000} random normal draws`;
  const title = $('title').value || `Chart for "${$('name').value.trim() || 'sales'}"`;
  return `Histogram of ${data}, titled ${title}`;
}

function update() {
  const path = chartPath();
  const abs = new URL(path, location.origin).href;
  const [w, h] = cssSize();
  const alt = describe();
  $('url').value = abs;
  $('snippet').value = `<img src="${escapeHtml(abs)}" width="${w}" height="${h}" alt="${escapeHtml(alt)}">`;
  preview.width = w;
  preview.height = h;
  preview.alt = alt;
  preview.src = path;
  $('preview-caption').textContent = path;
  inspect(path);
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, DEBOUNCE_MS);
}

/** Shows the Worker's answer, then what a revalidation with the ETag gets. */
async function inspect(path) {
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

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

/** Loads a chart URL's parameters into the form. */
function load(path) {
  const url = new URL(path, location.origin);
  const m = url.pathname.match(/^\/charts\/(.+)\.png$/);
  $('name').value = m ? decodeURIComponent(m[1]) : 'sales';
  for (const f of FIELDS) $(f).value = url.searchParams.get(f) ?? '';
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
  $('copied').textContent = id === 'url' ? 'URL copied.' : '<img> tag copied.';
}

form.addEventListener('input', schedule);
form.addEventListener('change', schedule);
form.addEventListener('submit', (e) => { e.preventDefault(); update(); });
for (const b of document.querySelectorAll('[data-copy]')) b.addEventListener('click', () => copy(b.dataset.copy));
gallery();
update();
