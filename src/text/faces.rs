//! Fonts as the shaper and the outlines see them: the embedded DejaVu subset
//! and the shards a request has loaded. A render runs inside
//! [`with_faces`], which makes a request's loaded shards the ones text is
//! laid out with; a shard the text needs but the set lacks is drawn as
//! placeholders and reported, so the flow never caches such a chart.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use super::outline::{scaled_outline, Outline};

use super::catalog::{shards, Shard};
use crate::font;

/// A face: 0 is the embedded font, `i + 1` is shard `i`.
pub type FaceId = u16;
pub const EMBEDDED: FaceId = 0;

/// A parsed shard: its bytes and the shaper's face over them.
pub struct Face {
    pub shard: usize,
    /// Borrows `bytes` (see [`Face::parse`]); declared first, so dropped
    /// before them.
    font: rustybuzz::Face<'static>,
    #[allow(dead_code)] // Held for `font`, which borrows them.
    bytes: Box<[u8]>,
    pub units_per_em: f32,
}

impl Face {
    /// Checks `bytes` against shard `shard`'s length and digest and parses
    /// them; the error says which check failed.
    pub fn parse(shard: usize, bytes: Vec<u8>) -> Result<Face, String> {
        let s = shards()
            .get(shard)
            .ok_or_else(|| format!("no shard {shard}"))?;
        check(s, &bytes)?;
        let bytes = bytes.into_boxed_slice();
        // SAFETY: the slice is the heap allocation `bytes` owns, which is
        // never written, freed or moved while the `Face` lives (moving the
        // box moves a pointer, not the bytes), and `font` is dropped before
        // `bytes`. The `'static` face never leaves: [`Face::font`] lends
        // it for as long as `self`.
        let view: &'static [u8] =
            unsafe { std::slice::from_raw_parts(bytes.as_ptr(), bytes.len()) };
        let font = rustybuzz::Face::from_slice(view, s.face_index)
            .ok_or_else(|| format!("shard {} does not parse", s.key))?;
        let units_per_em = font.units_per_em().max(16) as f32;
        Ok(Face {
            shard,
            font,
            bytes,
            units_per_em,
        })
    }

    /// The shaper's face (and through it ttf-parser's).
    pub fn font(&self) -> &rustybuzz::Face<'_> {
        &self.font
    }

    /// The bytes' share of memory (the isolate's shard cache counts it).
    pub fn len(&self) -> usize {
        shards()[self.shard].len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `bytes` are shard `s`: its length and its 64-bit check. Not
/// SHA-256 at run time: in wasm that costs about 80 fuel a byte, so a
/// 7.6 MB CJK slice would take six times a request's CPU budget; the check
/// costs under one a byte and catches a wrong or damaged file (a stale
/// deploy, a truncated fetch). The SHA-256 is checked where it is cheap:
/// by scripts/fonts.sh before every build and deploy.
pub fn check(s: &Shard, bytes: &[u8]) -> Result<(), String> {
    if bytes.len() != s.len as usize {
        return Err(format!(
            "shard {} is {} bytes, not {}",
            s.key,
            bytes.len(),
            s.len
        ));
    }
    if crate::spec::identity::check64(bytes) != s.check {
        return Err(format!("shard {} fails its digest", s.key));
    }
    Ok(())
}

/// The shards one render may use.
#[derive(Clone, Default)]
pub struct FaceSet {
    faces: Vec<Arc<Face>>,
}

impl FaceSet {
    pub fn new() -> FaceSet {
        FaceSet::default()
    }

    pub fn insert(&mut self, face: Arc<Face>) {
        if self.get(face.shard).is_none() {
            self.faces.push(face);
        }
    }

    pub fn get(&self, shard: usize) -> Option<&Arc<Face>> {
        self.faces.iter().find(|f| f.shard == shard)
    }
}

struct Context {
    /// Which render (a new number each time [`with_faces`] starts or ends):
    /// what is kept of one render's text is not another's.
    render: u64,
    faces: FaceSet,
    lang: Option<String>,
    /// Shards text needed and the set lacked, in the order first met.
    missed: Vec<usize>,
}

thread_local! {
    static CURRENT: RefCell<Context> = RefCell::new(Context { render: 0, faces: FaceSet::new(), lang: None, missed: Vec::new() });
}

/// Runs `f` with `faces` as the shards text is laid out with and `lang` as
/// its language, and returns what it returned with the shards it needed and
/// did not have.
pub fn with_faces<R>(
    faces: &FaceSet,
    lang: Option<&str>,
    f: impl FnOnce() -> R,
) -> (R, Vec<usize>) {
    let before = CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        c.render += 1;
        let faces = std::mem::replace(&mut c.faces, faces.clone());
        let lang = std::mem::replace(&mut c.lang, lang.map(str::to_string));
        (faces, lang, std::mem::take(&mut c.missed))
    });
    let out = f();
    let missed = CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        c.render += 1;
        c.faces = before.0;
        c.lang = before.1;
        std::mem::replace(&mut c.missed, before.2)
    });
    (out, missed)
}

/// The render in progress (see [`Context::render`]).
pub fn render_id() -> u64 {
    CURRENT.with(|c| c.borrow().render)
}

/// The language of the render in progress.
pub fn lang() -> Option<String> {
    CURRENT.with(|c| c.borrow().lang.clone())
}

/// The loaded face of shard `shard`, or `None` (and the miss recorded).
pub fn loaded(shard: usize) -> Option<Arc<Face>> {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        let face = c.faces.get(shard).cloned();
        if face.is_none() && !c.missed.contains(&shard) {
            c.missed.push(shard);
        }
        face
    })
}

/// A loaded face by id, without recording a miss (drawing after layout).
pub fn face(id: FaceId) -> Option<Arc<Face>> {
    let shard = usize::from(id.checked_sub(1)?);
    CURRENT.with(|c| c.borrow().faces.get(shard).cloned())
}

/// The embedded font for the shaper (the face [`font`] reads).
pub fn embedded() -> &'static rustybuzz::Face<'static> {
    static FONT: OnceLock<rustybuzz::Face<'static>> = OnceLock::new();
    FONT.get_or_init(|| rustybuzz::Face::from_face(font::face().clone()))
}

/// The outline of glyph `glyph` of face `face`, in the embedded font's
/// units (y up), so that every face scales alike: the SVG's groups and the
/// raster's scale factor are the embedded font's.
pub fn outline(face: FaceId, glyph: u16) -> Option<Outline> {
    if face == EMBEDDED {
        return font::outline(font::GlyphId(glyph));
    }
    let f = self::face(face)?;
    scaled_outline(f.font(), glyph, font::units_per_em() / f.units_per_em)
}
