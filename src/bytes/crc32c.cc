#include "bytes/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace eddy::crc32c {
namespace {

constexpr uint32_t poly = 0x82F63B78u;  // reflected Castagnoli polynomial

// Slicing-by-8 tables for the portable path.
constexpr std::array<std::array<uint32_t, 256>, 8> make_tables() {
    std::array<std::array<uint32_t, 256>, 8> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
        t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
        for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
    }
    return t;
}
constexpr auto tables = make_tables();

#if defined(__x86_64__)
// Long inputs run as three interleaved streams of stripe bytes each, hiding the crc32 instruction's
// 3-cycle latency (about 3x the speed of one stream), then combine: the CRC state is linear in GF(2),
// so state(A||B) = shift(state(A), |B|) ^ state_from_zero(B), where shift appends |B| zero bytes.
constexpr size_t stripe = 512;

// shift_tables[k][v]: the raw state v << 8k advanced over `stripe` zero bytes.
std::array<std::array<uint32_t, 256>, 4> make_shift_tables() {
    std::array<std::array<uint32_t, 256>, 4> t{};
    for (size_t k = 0; k < 4; ++k) {
        for (uint32_t v = 0; v < 256; ++v) {
            uint32_t c = v << (8 * k);
            for (size_t i = 0; i < stripe; ++i) c = (c >> 8) ^ tables[0][c & 0xff];
            t[k][v] = c;
        }
    }
    return t;
}
const auto shift_tables = make_shift_tables();

inline uint32_t shift_stripe(uint32_t c) {
    return shift_tables[0][c & 0xff] ^ shift_tables[1][(c >> 8) & 0xff] ^ shift_tables[2][(c >> 16) & 0xff] ^
           shift_tables[3][c >> 24];
}

__attribute__((target("sse4.2"))) uint32_t extend_hw(uint32_t crc, const uint8_t* p, size_t n) {
    uint64_t c = ~crc;
    while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
        c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
        --n;
    }
    while (n >= 3 * stripe) {
        uint64_t c1 = 0;
        uint64_t c2 = 0;
        for (size_t i = 0; i < stripe; i += 8) {
            uint64_t w0;
            uint64_t w1;
            uint64_t w2;
            std::memcpy(&w0, p + i, 8);
            std::memcpy(&w1, p + stripe + i, 8);
            std::memcpy(&w2, p + 2 * stripe + i, 8);
            c = _mm_crc32_u64(c, w0);
            c1 = _mm_crc32_u64(c1, w1);
            c2 = _mm_crc32_u64(c2, w2);
        }
        c = shift_stripe(shift_stripe(static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c1)) ^
            static_cast<uint32_t>(c2);
        p += 3 * stripe;
        n -= 3 * stripe;
    }
    while (n >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
        --n;
    }
    return ~static_cast<uint32_t>(c);
}

bool detect() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#else
bool detect() { return false; }
#endif

const bool have_hw = detect();

}  // namespace

bool hardware_available() { return have_hw; }

uint32_t extend_portable(uint32_t crc, bytes_view data) {
    uint32_t c = ~crc;
    const uint8_t* p = data.data();
    size_t n = data.size();
    while (n >= 8) {
        uint32_t lo;
        uint32_t hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + 4, 4);
        lo ^= c;  // little-endian host assumed by the slicing layout
        c = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^ tables[5][(lo >> 16) & 0xff] ^
            tables[4][lo >> 24] ^ tables[3][hi & 0xff] ^ tables[2][(hi >> 8) & 0xff] ^
            tables[1][(hi >> 16) & 0xff] ^ tables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) c = (c >> 8) ^ tables[0][(c ^ *p++) & 0xff];
    return ~c;
}

uint32_t extend(uint32_t crc, bytes_view data) {
#if defined(__x86_64__)
    if (have_hw) return extend_hw(crc, data.data(), data.size());
#endif
    return extend_portable(crc, data);
}

}  // namespace eddy::crc32c
