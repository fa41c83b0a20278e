// Posts a data set to an edgechart Worker and returns its permanent chart
// URLs. Runs in Node 18+, browsers and Workers: it needs only fetch and
// crypto.subtle. The demo page uses it, and tests/e2e/data.test.mjs checks
// it against the Worker as written here.
//
//   const { id, urls } = await postData('https://charts.example.com', 'ms\n12\n7.5\n');
//   img.src = urls.png;
//
// `data` is CSV text (a header row of labels, a column per series), or an
// object { series: [{ label, values }] } (or counts with edges), sent as
// JSON. With `key` (one of CHART_SIGNING_KEYS) the POST is signed: sig is
// the HMAC-SHA256 of "/data", a line feed and the body's SHA-256 in hex.
export async function postData(base, data, { key, contentType } = {}) {
  const body = typeof data === 'string' ? data : JSON.stringify(data);
  const type = contentType ?? (typeof data === 'string' ? 'text/csv' : 'application/json');
  let target = '/data';
  if (key) {
    const enc = new TextEncoder();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(body)));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(`${target}\n${hex}`)));
    const sig = btoa(String.fromCharCode(...mac)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    target += `?sig=${sig}`;
  }
  const r = await fetch(new URL(target, base), { method: 'POST', headers: { 'content-type': type }, body });
  if (r.status !== 201) {
    throw new Error(`POST /data answered ${r.status}: ${(await r.text()).trim()}`);
  }
  const answer = await r.json();
  const urls = {};
  for (const [format, path] of Object.entries(answer.urls)) urls[format] = new URL(path, base).href;
  return { id: answer.id, numbers: answer.numbers, series: answer.series, urls };
}
