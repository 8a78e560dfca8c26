//! Bytes kept in shared memory as 32-bit atomic words: the other process may read or write
//! the mapping at any moment, so every access is atomic (relaxed: the ring that holds them
//! publishes its index with a release store and reads it with an acquire load).

#![forbid(unsafe_code)]

use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;

/// Puts `data` into `words`, four bytes a word, little-endian (the last word padded with
/// zeros). The caller orders the stores against the index it publishes afterwards.
pub fn store_bytes(words: &[AtomicU32], data: &[u8]) {
    let mut fours = data.chunks_exact(4);
    for (word, four) in words.iter().zip(&mut fours) {
        word.store(
            u32::from_le_bytes(four.try_into().unwrap_or_default()),
            Relaxed,
        );
    }
    let rest = fours.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 4];
        last[..rest.len()].copy_from_slice(rest);
        words[data.len() / 4].store(u32::from_le_bytes(last), Relaxed);
    }
}

/// Reads `buf.len()` bytes back out of `words`, as `store_bytes` put them.
pub fn load_bytes(words: &[AtomicU32], buf: &mut [u8]) {
    let len = buf.len();
    let mut fours = buf.chunks_exact_mut(4);
    for (word, four) in words.iter().zip(&mut fours) {
        four.copy_from_slice(&word.load(Relaxed).to_le_bytes());
    }
    let rest = fours.into_remainder();
    if !rest.is_empty() {
        let n = rest.len();
        rest.copy_from_slice(&words[len / 4].load(Relaxed).to_le_bytes()[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_go_through_words_unchanged() {
        let words: Vec<AtomicU32> = (0..4).map(|_| AtomicU32::new(0)).collect();
        for len in 0..=16 {
            let data: Vec<u8> = (1..=len as u8).collect();
            store_bytes(&words, &data);
            let mut back = vec![0u8; len];
            load_bytes(&words, &mut back);
            assert_eq!(back, data);
        }
    }
}
