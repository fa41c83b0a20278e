//! Signs a chart URL for a Worker with `CHART_SIGNING_KEYS` set:
//!   cargo run --example sign -- 'https://charts.example.com/charts/sales.png?w=320' KEY
//!   CHART_SIGNING_KEYS=KEY cargo run --example sign -- '/charts/sales.png?w=320'
//! The key is the second argument, or the first key of `CHART_SIGNING_KEYS`.
//! A full URL or a bare path and query; a `sig` already there is replaced.
use edgechart::serve::sign::sign_url;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, key) = match args.as_slice() {
        [url] => (url.clone(), std::env::var("CHART_SIGNING_KEYS").ok()),
        [url, key] => (url.clone(), Some(key.clone())),
        _ => usage(),
    };
    let Some(key) = key
        .as_deref()
        .and_then(|k| k.split(',').map(str::trim).find(|k| !k.is_empty()))
        .map(str::to_string)
    else {
        eprintln!("sign: no key: pass one, or set CHART_SIGNING_KEYS");
        std::process::exit(2);
    };
    // `scheme://host` stays as it is; the path and query are what is signed.
    let split = url
        .find("://")
        .map(|i| url[i + 3..].find('/').map_or(url.len(), |j| i + 3 + j))
        .unwrap_or(0);
    let (origin, target) = url.split_at(split);
    if !target.starts_with('/') {
        usage();
    }
    println!("{origin}{}", sign_url(key.as_bytes(), target));
}

fn usage() -> ! {
    eprintln!("usage: sign URL_OR_PATH [KEY]   (KEY defaults to the first of CHART_SIGNING_KEYS)");
    std::process::exit(2);
}
