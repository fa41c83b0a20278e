// The signer shown in the README, kept here so the tests run it as written:
// sig = base64url(HMAC-SHA256(key, path and query before sig)), no padding.
export async function signTarget(key, target) {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(target)));
  const sig = btoa(String.fromCharCode(...mac)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${target}${target.includes('?') ? '&' : '?'}sig=${sig}`;
}
