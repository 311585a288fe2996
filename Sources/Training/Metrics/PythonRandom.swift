// PythonRandom: CPython's `random` module (MT19937, `seed(int)`, `getrandbits`, `sample`), bit for bit.
// The YouTube-8M AP calculator shuffles with `random.seed(0); random.sample(range(n), n)` before sorting, so its
// tie-breaking is reproducible only with this exact generator (CPython Modules/_randommodule.c, Lib/random.py).

/// A Mersenne Twister seeded and consumed exactly as CPython 3's `random.Random` does.
struct PythonRandom {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// `random.seed(seed)` for a non-negative integer seed that fits in 32 bits.
    init(seed: UInt32) {
        initialise(key: [seed])
    }

    /// `init_by_array` after `init_genrand(19650218)`.
    private mutating func initialise(key: [UInt32]) {
        state[0] = 19_650_218
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
        index = 624
    }

    /// `genrand_uint32`: the next tempered 32-bit output.
    mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for k in 0..<624 {
            let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7FFF_FFFF)
            state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// `_randbelow_with_getrandbits(n)` for 1 ≤ n < 2³²: rejection sampling on `getrandbits(n.bit_length())`.
    mutating func below(_ n: Int) -> Int {
        let bits = Int.bitWidth - n.leadingZeroBitCount
        while true {
            let r = Int(nextUInt32() >> UInt32(32 - bits))
            if r < n { return r }
        }
    }

    /// `random.sample(range(n), n)`: with k == n CPython always takes its pool branch.
    mutating func samplePermutation(_ n: Int) -> [Int] {
        var pool = Array(0..<n)
        var result = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let j = below(n - i)
            result[i] = pool[j]
            pool[j] = pool[n - i - 1]
        }
        return result
    }
}
