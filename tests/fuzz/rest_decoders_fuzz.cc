// Fuzzes the REST Proxy's decoders of client bytes (http/rest/): base64 (the binary embedded format) and
// decode_batches (how a REST consumer reads stored batches, compressed ones included). The first input
// byte picks one; the rest is its input.
//
// base64: decode(encode(x)) == x, with and without the padding; whatever decodes is a canonical encoding
// up to the padding (optional, as in Java) and the unused low bits of the last digit (Java ignores them
// too), and everything of that form decodes.
//
// decode_batches (after two more bytes: budget and take_one, and the offset to read from): every record
// taken is at or past `from`, the byte count is their size and stays in the budget (but for the one
// record take_one lets through), and `next` moves past the last record taken. A budgeted read returns a
// prefix of what the unbounded read returns, and when the batches follow one another as in a log and the
// offsets of the unbounded read increase, a read resumed at `next` returns the rest of it. Base offsets are cleared to below 2^62: the log assigns
// them, so sums with 32-bit deltas cannot overflow.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "http/rest/base64.h"
#include "http/rest/records.h"
#include "storage/record_batch.h"

using namespace eddy;
using namespace eddy::http::rest;

namespace {

bool is_digit64(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

std::string_view strip_padding(std::string_view s) {
    while (!s.empty() && s.back() == '=') s.remove_suffix(1);
    return s;
}

// What Java's Base64.getDecoder() accepts: digits only, never a lone digit in the last group, and '='
// padding (one or two) only when it completes the last group of four.
bool reference_accepts(std::string_view s) {
    std::string_view digits = strip_padding(s);
    size_t pad = s.size() - digits.size();
    for (char c : digits) {
        if (!is_digit64(c)) return false;
    }
    if (digits.size() % 4 == 1 || pad > 2) return false;
    return pad == 0 || s.size() % 4 == 0;
}

void fuzz_base64(std::string_view in) {
    // Encoding direction: any bytes round-trip, padded or not.
    std::string enc = base64_encode(as_bytes(in));
    FUZZ_CHECK(enc.size() == (in.size() + 2) / 3 * 4);
    FUZZ_CHECK(base64_decode(enc) == std::string(in));
    FUZZ_CHECK(base64_decode(strip_padding(enc)) == std::string(in));

    // Decoding direction.
    auto dec = base64_decode(in);
    FUZZ_CHECK(dec.has_value() == reference_accepts(in));
    if (!dec) return;
    std::string_view digits = strip_padding(in);
    FUZZ_CHECK(dec->size() == digits.size() * 6 / 8);
    std::string again = base64_encode(as_bytes(*dec));
    std::string_view canon = strip_padding(again);
    FUZZ_CHECK(canon.size() == digits.size());
    // The same digits, except that the last one may carry unused low bits the canonical form clears.
    if (!canon.empty()) FUZZ_CHECK(canon.substr(0, canon.size() - 1) == digits.substr(0, digits.size() - 1));
    FUZZ_CHECK(base64_decode(again) == dec);
}

// The batches of `data` as the log would hold them: base offsets below 2^62. `ordered` tells whether
// their offset ranges follow one another without overlapping, as in a log.
bytes with_log_offsets(bytes data, bool& ordered) {
    ordered = true;
    int64_t next_base = 0;
    size_t pos = 0;
    while (data.size() - pos >= storage::batch_header_size) {
        uint8_t* p = data.data() + pos;
        p[0] &= 0x3f;
        auto h = storage::parse_header(bytes_view(data).subspan(pos));
        if (!h || h->size_bytes() > data.size() - pos) break;
        ordered = ordered && h->base_offset >= next_base && h->last() >= h->base();
        next_base = h->last().value() + 1;
        pos += h->size_bytes();
    }
    return data;
}

void fuzz_decode_batches(const uint8_t* data, size_t size) {
    if (size < 2) return;
    const bool take_one = (data[0] & 1) != 0;
    const size_t budget = static_cast<size_t>(data[0] >> 1) * 8;
    const offset from{data[1]};
    bool ordered = false;
    bytes batches = with_log_offsets(bytes(data + 2, data + size), ordered);

    std::vector<consumed_record> all;
    auto whole = decode_batches(batches, from, std::numeric_limits<size_t>::max(), false, all);
    std::vector<consumed_record> some;
    auto part = decode_batches(batches, from, budget, take_one, some);
    if (whole) {
        FUZZ_CHECK(!whole->full);
        FUZZ_CHECK(part.has_value());
    }
    if (!part) return;

    size_t bytes_taken = 0;
    for (size_t i = 0; i < some.size(); ++i) {
        const auto& r = some[i];
        FUZZ_CHECK(r.at >= from);
        bytes_taken += r.size();
        if (whole) {
            FUZZ_CHECK(i < all.size());
            FUZZ_CHECK(r.at == all[i].at && r.key == all[i].key && r.value == all[i].value);
        }
    }
    FUZZ_CHECK(part->bytes == bytes_taken);
    FUZZ_CHECK(part->next >= from);
    if (!some.empty()) {
        // Past the last record taken (not necessarily past every one: a compressed batch's records may
        // hold their offsets in any order).
        FUZZ_CHECK(part->next > some.back().at);
        size_t limit = take_one ? std::max(budget, some.front().size()) : budget;
        FUZZ_CHECK(bytes_taken <= limit);
    }
    if (!whole) return;
    if (!part->full) FUZZ_CHECK(some.size() == all.size());

    bool increasing = true;
    for (size_t i = 1; i < all.size(); ++i) increasing = increasing && all[i - 1].at < all[i].at;
    if (!increasing || !ordered) return;
    std::vector<consumed_record> rest;
    auto resumed = decode_batches(batches, part->next, std::numeric_limits<size_t>::max(), false, rest);
    FUZZ_CHECK(resumed.has_value());
    FUZZ_CHECK(some.size() + rest.size() == all.size());
    for (size_t i = 0; i < rest.size(); ++i) FUZZ_CHECK(rest[i].at == all[some.size() + i].at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    if ((data[0] & 1) == 0) {
        fuzz_base64(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    } else {
        fuzz_decode_batches(data + 1, size - 1);
    }
    return 0;
}
