//! Python's `random` module as OSTEP's homework scripts use it: the Mersenne Twister
//! (MT19937) seeded from an integer the way CPython does (`init_by_array` over the seed's
//! 32-bit words) and `random()` built from two outputs (53 bits). Written from the published
//! algorithm; pinned against CPython's outputs in the tests.

const N: usize = 624;
const M: usize = 397;

/// CPython's `random.Random`, for integer seeds.
#[derive(Clone, Debug)]
pub struct PythonRandom {
    state: [u32; N],
    index: usize,
}

impl PythonRandom {
    /// Equivalent to `random.seed(seed)` for a non-negative integer.
    pub fn new(seed: u64) -> PythonRandom {
        let mut key: Vec<u32> = Vec::new();
        let mut rest = seed;
        while rest > 0 {
            key.push(rest as u32);
            rest >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        let mut rng = PythonRandom::from_u32(19_650_218);
        let s = &mut rng.state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = s[i - 1] ^ (s[i - 1] >> 30);
            s[i] = (s[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                s[0] = s[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = s[i - 1] ^ (s[i - 1] >> 30);
            s[i] = (s[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                s[0] = s[N - 1];
                i = 1;
            }
        }
        s[0] = 0x8000_0000;
        rng.index = N;
        rng
    }

    fn from_u32(seed: u32) -> PythonRandom {
        let mut state = [0u32; N];
        state[0] = seed;
        for i in 1..N {
            let prev = state[i - 1] ^ (state[i - 1] >> 30);
            state[i] = 1_812_433_253u32.wrapping_mul(prev).wrapping_add(i as u32);
        }
        PythonRandom { state, index: N }
    }

    fn refill(&mut self) {
        let s = &mut self.state;
        for k in 0..N {
            let y = (s[k] & 0x8000_0000) | (s[(k + 1) % N] & 0x7fff_ffff);
            let mut next = s[(k + M) % N] ^ (y >> 1);
            if y & 1 == 1 {
                next ^= 0x9908_b0df;
            }
            s[k] = next;
        }
        self.index = 0;
    }

    /// The next 32-bit output (`genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.refill();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random.random()`: a float in [0, 1) with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Outputs of CPython 3.11's `random.seed(s); random.random()`.
    #[test]
    fn matches_cpython() {
        let mut r = PythonRandom::new(1);
        assert_eq!(
            [r.random(), r.random(), r.random()],
            [0.13436424411240122, 0.8474337369372327, 0.763774618976614]
        );
        let mut r = PythonRandom::new(0);
        assert_eq!(
            [r.random(), r.random()],
            [0.8444218515250481, 0.7579544029403025]
        );
        let mut r = PythonRandom::new((1 << 40) + 5);
        assert_eq!(
            [r.random(), r.random()],
            [0.5043802970418443, 0.2686044399723282]
        );
    }

    // OSTEP's scheduler.py -s 1 -j 5 -m 100 lists jobs of length 14, 85, 77, 26, 50.
    #[test]
    fn reproduces_scheduler_py_jobs() {
        let mut r = PythonRandom::new(1);
        let jobs: Vec<u64> = (0..5).map(|_| (100.0 * r.random()) as u64 + 1).collect();
        assert_eq!(jobs, [14, 85, 77, 26, 50]);
    }
}
