// Compression codecs of Kafka record batches (attributes bits 0-2): gzip, snappy (raw and the xerial
// framing Java clients send), lz4 (frame format) and zstd. Decompression is bounded by max_output so a
// small hostile input cannot expand into an out-of-memory ("decompression bomb").
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

#include "base/result.h"
#include "bytes/bytes.h"

namespace eddy {

enum class compression : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

[[nodiscard]] std::string_view to_string(compression c);
// Kafka's attribute bits → codec; nullopt-like failure for the unused values 5..7.
[[nodiscard]] result<compression> compression_from_attributes(int16_t attributes);

enum class compression_errc : int {
    unknown_codec = 1,
    corrupt_input,
    output_too_large,
    codec_failure,
};
const std::error_category& compression_category();
inline std::error_code make_error_code(compression_errc e) { return {static_cast<int>(e), compression_category()}; }

// Compresses input with codec (snappy writes the raw format, as librdkafka does).
[[nodiscard]] result<bytes> compress(compression codec, bytes_view input);

// Decompresses input; fails with output_too_large rather than producing more than max_output bytes.
// Snappy accepts both raw and xerial-framed input.
[[nodiscard]] result<bytes> decompress(compression codec, bytes_view input, size_t max_output);

// Xerial-framed snappy, as the Java client writes it (for tests and for serving such clients).
[[nodiscard]] result<bytes> compress_snappy_xerial(bytes_view input, size_t block_size = 32 * 1024);

}  // namespace eddy

template <>
struct std::is_error_code_enum<eddy::compression_errc> : std::true_type {};
