//! A tiny deterministic generator for randomized unit tests (xorshift64):
//! the same cases on every run and target, and no test-only dependency.

pub(crate) struct XorShift(pub u64);

impl XorShift {
    /// The next number below `n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        let s = &mut self.0;
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s % n
    }
}
