//! The wasmtime host shared by the harness tests (tests/wasm_harness.rs)
//! and the benchmark (examples/bench.rs): builds and compiles the Worker
//! crate for wasm32 with the `harness` feature, links host storage with
//! fault switches, and stubs every other import with a trap.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use wasmtime::{
    Caller, Config, Engine, Extern, ExternType, Instance, Linker, Module, Store, StoreLimits,
    StoreLimitsBuilder,
};

/// The Workers isolate's memory limit.
pub const MEMORY_LIMIT: usize = 128 << 20;
pub const TIER_EDGE: u32 = 0;
pub const TIER_KV: u32 = 1;
/// Not a store: the font shards (the Worker's static assets), read from
/// this checkout's www/ by their path.
pub const TIER_FONTS: u32 = 3;

// ---------------------------------------------------------------- module

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Builds (or reuses, cargo decides) the harness module: the same release
/// wasm32 build worker-build makes, plus the `harness` feature.
pub fn module_path() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            eprintln!("harness: building the wasm32 module (cargo build --release --target wasm32-unknown-unknown --features harness)...");
            let status = Command::new(env!("CARGO"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["build", "--release", "--lib", "--target", "wasm32-unknown-unknown", "--features", "harness"])
                .status()
                .expect("run cargo");
            assert!(status.success(), "building the harness module failed");
            target_dir().join("wasm32-unknown-unknown/release/edgechart.wasm")
        })
        .clone()
}

pub struct Compiled {
    pub engine: Engine,
    pub module: Module,
    pub compile_ms: f64,
}

pub fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let bytes = std::fs::read(module_path()).expect("read module");
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).expect("engine");
        let t = std::time::Instant::now();
        let module = Module::new(&engine, &bytes).expect("compile module");
        let compile_ms = t.elapsed().as_secs_f64() * 1e3;
        Compiled {
            engine,
            module,
            compile_ms,
        }
    })
}

// ---------------------------------------------------------------- host

/// What the host keeps for the module: three tiers (the Cache API, KV and
/// the data sets), fault switches, logs.
#[derive(Default)]
pub struct HostState {
    pub tiers: [HashMap<String, (String, Vec<u8>)>; 3],
    pub fail_get: [bool; 3],
    pub fail_put: [bool; 3],
    pub gets: [u32; 3],
    pub puts: [u32; 3],
    pub staged: Option<Vec<u8>>,
    /// Calls of `random_fill`: entropy the module asked for.
    pub randoms: u32,
    /// Font shards the module fetched (tier 3), by path.
    pub shard_reads: Vec<String>,
    /// Makes every shard fetch fail (an outage of the static assets).
    pub fail_shards: bool,
    pub logs: Vec<String>,
    pub limits: StoreLimits,
    /// Fuel per probe span (`edgechart::probe::Span` as index) in the
    /// last `handle` call, and the fuel left when each open span began.
    pub spans: [u64; SPANS],
    pub span_open: [u64; SPANS],
}

/// How many probe spans the host keeps.
pub const SPANS: usize = edgechart::probe::Span::ALL.len();

pub fn guest_bytes(caller: &mut Caller<'_, HostState>, ptr: u32, len: u32) -> Vec<u8> {
    let mem = caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .expect("memory export");
    mem.data(&caller)[ptr as usize..(ptr + len) as usize].to_vec()
}

pub fn linker() -> Linker<HostState> {
    let c = compiled();
    let mut linker = Linker::new(&c.engine);
    linker
        .func_wrap(
            "host",
            "store_get",
            |mut caller: Caller<'_, HostState>, tier: u32, kp: u32, kl: u32| -> i64 {
                let key = String::from_utf8(guest_bytes(&mut caller, kp, kl)).unwrap();
                let st = caller.data_mut();
                if tier == TIER_FONTS {
                    st.shard_reads.push(key.clone());
                    let path = format!("{}/www{key}", env!("CARGO_MANIFEST_DIR"));
                    return match std::fs::read(&path) {
                        Ok(body) if !st.fail_shards => {
                            let mut blob = 0u32.to_le_bytes().to_vec();
                            blob.extend_from_slice(&body);
                            let n = blob.len() as i64;
                            st.staged = Some(blob);
                            n
                        }
                        _ => -1,
                    };
                }
                st.gets[tier as usize] += 1;
                if st.fail_get[tier as usize] {
                    return -1;
                }
                match st.tiers[tier as usize].get(&key) {
                    None => -2,
                    Some((meta, body)) => {
                        let mut blob = (meta.len() as u32).to_le_bytes().to_vec();
                        blob.extend_from_slice(meta.as_bytes());
                        blob.extend_from_slice(body);
                        let n = blob.len() as i64;
                        st.staged = Some(blob);
                        n
                    }
                }
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "host",
            "store_take",
            |mut caller: Caller<'_, HostState>, dst: u32| {
                let blob = caller
                    .data_mut()
                    .staged
                    .take()
                    .expect("store_take without store_get");
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .unwrap();
                mem.write(&mut caller, dst as usize, &blob).unwrap();
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "host",
            "store_put",
            |mut caller: Caller<'_, HostState>,
             tier: u32,
             kp: u32,
             kl: u32,
             mp: u32,
             ml: u32,
             bp: u32,
             bl: u32|
             -> i32 {
                let key = String::from_utf8(guest_bytes(&mut caller, kp, kl)).unwrap();
                let meta = String::from_utf8(guest_bytes(&mut caller, mp, ml)).unwrap();
                let body = guest_bytes(&mut caller, bp, bl);
                let st = caller.data_mut();
                st.puts[tier as usize] += 1;
                if st.fail_put[tier as usize] {
                    return -1;
                }
                st.tiers[tier as usize].insert(key, (meta, body));
                0
            },
        )
        .unwrap();
    linker
        .func_wrap("host", "now_ms", || edgechart::testing::FIXED_NOW_MS)
        .unwrap();
    linker
        .func_wrap(
            "host",
            "span_begin",
            |mut caller: Caller<'_, HostState>, span: u32| {
                let left = caller.get_fuel().unwrap_or(0);
                if let Some(open) = caller.data_mut().span_open.get_mut(span as usize) {
                    *open = left;
                }
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "host",
            "span_end",
            |mut caller: Caller<'_, HostState>, span: u32| {
                let left = caller.get_fuel().unwrap_or(0);
                let st = caller.data_mut();
                if let Some(&open) = st.span_open.get(span as usize) {
                    st.spans[span as usize] += open.saturating_sub(left);
                }
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "host",
            "random_fill",
            |mut caller: Caller<'_, HostState>, ptr: u32, len: u32| {
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .unwrap();
                caller.data_mut().randoms += 1;
                let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
                mem.write(&mut caller, ptr as usize, &bytes).unwrap();
            },
        )
        .unwrap();
    linker
        .func_wrap(
            "host",
            "log",
            |mut caller: Caller<'_, HostState>, ptr: u32, len: u32| {
                let line =
                    String::from_utf8_lossy(&guest_bytes(&mut caller, ptr, len)).into_owned();
                caller.data_mut().logs.push(line);
            },
        )
        .unwrap();
    // Everything else the module imports (wasm-bindgen's placeholders) traps.
    for import in c.module.imports() {
        if import.module() == "host" {
            continue;
        }
        if let ExternType::Func(ty) = import.ty() {
            let what = format!("{}::{}", import.module(), import.name());
            linker
                .func_new(import.module(), import.name(), ty, move |_, _, _| {
                    Err(wasmtime::Error::msg(format!("trap stub called: {what}")))
                })
                .unwrap();
        }
    }
    linker
}

/// An answer from the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One module instance plus the host's storage; a trap replaces the
/// instance (storage survives, as KV would).
pub struct Harness {
    pub store: Store<HostState>,
    pub instance: Option<Instance>,
    pub linker: Linker<HostState>,
    /// Fuel used by the last `handle` call (not counting the stores after it).
    pub last_fuel: u64,
    pub instantiations: u32,
}

impl Harness {
    pub fn new() -> Harness {
        let c = compiled();
        let state = HostState {
            limits: StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).build(),
            ..HostState::default()
        };
        let mut store = Store::new(&c.engine, state);
        store.limiter(|s| &mut s.limits);
        Harness {
            store,
            instance: None,
            linker: linker(),
            last_fuel: 0,
            instantiations: 0,
        }
    }

    pub fn instance(&mut self) -> Instance {
        if self.instance.is_none() {
            self.store.set_fuel(u64::MAX / 2).unwrap();
            let inst = self
                .linker
                .instantiate(&mut self.store, &compiled().module)
                .expect("instantiate");
            self.instance = Some(inst);
            self.instantiations += 1;
        }
        self.instance.unwrap()
    }

    pub fn get(&mut self, target: &str) -> Reply {
        self.request("GET", target, &[])
    }

    pub fn request(&mut self, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
        self.request_with_body(method, target, headers, "")
    }

    /// A request with a text body (`POST /data`).
    pub fn request_with_body(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let req = serde_json::json!({
            "method": method,
            "target": target,
            "headers": headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect::<HashMap<_, _>>(),
        })
        .to_string();
        // The module's framing: the JSON's length, the JSON, the raw body.
        let mut framed = (req.len() as u32).to_le_bytes().to_vec();
        framed.extend_from_slice(req.as_bytes());
        framed.extend_from_slice(body.as_bytes());
        let req = framed;
        match self.call(&req) {
            Ok(reply) => reply,
            Err(trap) => {
                // What the Worker's shim does after a Wasm trap: answer 500,
                // throw the instance away, serve the next request from a new one.
                self.store.data_mut().logs.push(format!("trap: {trap:#}"));
                self.instance = None;
                Reply {
                    status: 500,
                    headers: vec![
                        ("Content-Type".into(), "text/plain; charset=utf-8".into()),
                        ("Cache-Control".into(), "no-store".into()),
                    ],
                    body: b"500 Internal Server Error\n".to_vec(),
                }
            }
        }
    }

    fn call(&mut self, req: &[u8]) -> wasmtime::Result<Reply> {
        let inst = self.instance();
        let store = &mut self.store;
        let alloc = inst.get_typed_func::<u32, u32>(&mut *store, "alloc")?;
        let dealloc = inst.get_typed_func::<(u32, u32), ()>(&mut *store, "dealloc")?;
        let handle = inst.get_typed_func::<(u32, u32), u64>(&mut *store, "handle")?;
        let after = inst.get_typed_func::<(), u32>(&mut *store, "after_response")?;
        let memory = inst.get_memory(&mut *store, "memory").expect("memory");

        let ptr = alloc.call(&mut *store, req.len() as u32)?;
        memory.write(&mut *store, ptr as usize, req)?;
        store.data_mut().spans = [0; SPANS];
        let before = store.get_fuel()?;
        let packed = handle.call(&mut *store, (ptr, req.len() as u32))?;
        self.last_fuel = before - store.get_fuel()?;
        dealloc.call(&mut *store, (ptr, req.len() as u32))?;

        let (rptr, rlen) = ((packed >> 32) as u32, packed as u32);
        let blob = memory.data(&*store)[rptr as usize..(rptr + rlen) as usize].to_vec();
        dealloc.call(&mut *store, (rptr, rlen))?;
        let status = u32::from_le_bytes(blob[0..4].try_into().unwrap()) as u16;
        let head_len = u32::from_le_bytes(blob[4..8].try_into().unwrap()) as usize;
        let headers: Vec<(String, String)> = serde_json::from_slice(&blob[8..8 + head_len])?;
        let body = blob[8 + head_len..].to_vec();
        after.call(&mut *store, ())?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// `n` concurrent requests for `target` inside the module (its `burst`
    /// export): returns (renders, distinct bodies).
    pub fn burst(&mut self, target: &str, n: u32) -> (u32, u32) {
        let req = serde_json::json!({ "method": "GET", "target": target }).to_string();
        let inst = self.instance();
        let store = &mut self.store;
        let alloc = inst
            .get_typed_func::<u32, u32>(&mut *store, "alloc")
            .unwrap();
        let burst = inst
            .get_typed_func::<(u32, u32, u32), u64>(&mut *store, "burst")
            .unwrap();
        let memory = inst.get_memory(&mut *store, "memory").expect("memory");
        let ptr = alloc.call(&mut *store, req.len() as u32).unwrap();
        memory
            .write(&mut *store, ptr as usize, req.as_bytes())
            .unwrap();
        let packed = burst.call(&mut *store, (ptr, req.len() as u32, n)).unwrap();
        ((packed >> 32) as u32, packed as u32)
    }

    /// The Worker's start work (the module's `warm_up` export): its packed
    /// report (`answered << 16 | as_expected << 1 | revalidated`) and fuel.
    pub fn warm_up(&mut self) -> (u32, u64) {
        let inst = self.instance();
        let f = inst
            .get_typed_func::<(), u32>(&mut self.store, "warm_up")
            .unwrap();
        let before = self.store.get_fuel().unwrap();
        let packed = f.call(&mut self.store, ()).unwrap();
        (packed, before - self.store.get_fuel().unwrap())
    }

    /// Empties the module's in-memory tier, so the next lookup reaches the
    /// host's storage.
    pub fn clear_hot(&mut self) {
        self.call_unit("clear_hot_cache");
    }

    /// Empties the module's in-memory tier of charts, keeping data sets.
    pub fn clear_hot_charts(&mut self) {
        self.call_unit("clear_hot_charts");
    }

    /// Calls the module's export `name`, which takes and returns nothing.
    fn call_unit(&mut self, name: &str) {
        let inst = self.instance();
        let f = inst
            .get_typed_func::<(), ()>(&mut self.store, name)
            .unwrap();
        f.call(&mut self.store, ()).unwrap();
    }

    pub fn host(&mut self) -> &mut HostState {
        self.store.data_mut()
    }

    pub fn memory_bytes(&mut self) -> usize {
        let inst = self.instance();
        inst.get_memory(&mut self.store, "memory")
            .unwrap()
            .data_size(&self.store)
    }
}
