// Raw HTTP/1.1 over a socket to wrangler dev, so that paths, methods and
// headers reach workerd exactly as written (fetch would normalise them).
import { connect } from 'node:net';

/** Sends `head` (request line and headers, without the blank line) and
 * returns { status, headers, body } once the whole answer is in (by its
 * Content-Length or its last chunk), or throws after answerMs. */
export function rawRequest(port, head, body = Buffer.alloc(0), answerMs = 5000) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let all = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${answerMs} ms`));
    }, answerMs);
    const finish = (r) => { clearTimeout(timer); sock.destroy(); resolve({ ...r, raw: all }); };
    const tryParse = (closed) => {
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) {
        if (closed) { clearTimeout(timer); reject(new Error(`no HTTP response: ${JSON.stringify(all.toString('latin1').slice(0, 200))}`)); }
        return;
      }
      const lines = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = all.subarray(split + 4);
      const noBody = status === 304 || status === 204 || head.startsWith('HEAD ');
      if (noBody) return finish({ status, headers, body: Buffer.alloc(0) });
      if (headers['transfer-encoding'] === 'chunked') {
        const body = dechunk(rest);
        if (body) return finish({ status, headers, body });
      } else if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        if (rest.length >= n) return finish({ status, headers, body: rest.subarray(0, n) });
      }
      if (closed) finish({ status, headers, body: rest });
    };
    sock.on('data', (d) => { all = Buffer.concat([all, d]); tryParse(false); });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => tryParse(true));
    const text = head.replace(/\r?\n/g, '\r\n');
    sock.write(Buffer.concat([
      Buffer.from(`${text}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
      body,
    ]));
  });
}

/** The body of a chunked message, or null while the last chunk is missing. */
function dechunk(buf) {
  const out = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(out);
    if (Number.isNaN(size) || buf.length < eol + 2 + size + 2) return null;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

