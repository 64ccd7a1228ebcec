#include "bytes/compression.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <cstring>
#include <memory>

namespace eddy {
namespace {

class compression_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.compression"; }
    std::string message(int c) const override {
        switch (static_cast<compression_errc>(c)) {
        case compression_errc::unknown_codec: return "unknown compression codec";
        case compression_errc::corrupt_input: return "corrupt compressed data";
        case compression_errc::output_too_large: return "decompressed data exceeds the size limit";
        case compression_errc::codec_failure: return "compression library failure";
        }
        return "unknown compression error";
    }
};

// Xerial snappy framing: 8-byte magic, int32 version, int32 min compatible version, then blocks of
// int32 big-endian compressed length + raw snappy data.
constexpr std::array<uint8_t, 8> xerial_magic{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t xerial_header_size = 16;

bool is_xerial(bytes_view in) {
    return in.size() >= xerial_header_size && std::memcmp(in.data(), xerial_magic.data(), xerial_magic.size()) == 0;
}

result<void> snappy_raw_append(bytes_view in, bytes& out, size_t max_output) {
    size_t len = 0;
    auto* src = reinterpret_cast<const char*>(in.data());
    if (snappy_uncompressed_length(src, in.size(), &len) != SNAPPY_OK)
        return make_error(compression_errc::corrupt_input, "snappy length header");
    if (len > max_output - out.size())
        return make_error(compression_errc::output_too_large, "snappy block of {} bytes", len);
    size_t at = out.size();
    out.resize(at + len);
    size_t got = len;
    if (snappy_uncompress(src, in.size(), reinterpret_cast<char*>(out.data() + at), &got) != SNAPPY_OK || got != len)
        return make_error(compression_errc::corrupt_input, "snappy block");
    return {};
}

result<bytes> snappy_decompress(bytes_view in, size_t max_output) {
    bytes out;
    if (!is_xerial(in)) {
        EDDY_TRY(snappy_raw_append(in, out, max_output));
        return out;
    }
    size_t pos = xerial_header_size;
    while (pos < in.size()) {
        if (in.size() - pos < 4) return make_error(compression_errc::corrupt_input, "xerial block header");
        auto n = static_cast<uint32_t>(load_be<int32_t>(in.data() + pos));
        pos += 4;
        if (n > in.size() - pos) return make_error(compression_errc::corrupt_input, "xerial block length {}", n);
        EDDY_TRY(snappy_raw_append(in.subspan(pos, n), out, max_output));
        pos += n;
    }
    return out;
}

result<bytes> snappy_compress_raw(bytes_view in) {
    bytes out(snappy_max_compressed_length(in.size()));
    size_t len = out.size();
    if (snappy_compress(reinterpret_cast<const char*>(in.data()), in.size(), reinterpret_cast<char*>(out.data()),
                        &len) != SNAPPY_OK)
        return make_error(compression_errc::codec_failure, "snappy_compress");
    out.resize(len);
    return out;
}

// gzip via zlib; windowBits 15+32 inflates both gzip and zlib headers.
result<bytes> gzip_decompress(bytes_view in, size_t max_output) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(compression_errc::codec_failure, "inflateInit2");
    std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, &inflateEnd);
    bytes out;
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (out.size() == max_output) return make_error(compression_errc::output_too_large, "gzip");
        size_t chunk = std::min<size_t>(std::max<size_t>(in.size() * 2, 4096), max_output - out.size());
        size_t at = out.size();
        out.resize(at + chunk);
        zs.next_out = out.data() + at;
        zs.avail_out = static_cast<uInt>(chunk);
        rc = inflate(&zs, Z_NO_FLUSH);
        out.resize(at + chunk - zs.avail_out);
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && rc != Z_BUF_ERROR) return make_error(compression_errc::corrupt_input, "gzip: {}", rc);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) return make_error(compression_errc::corrupt_input, "gzip: truncated");
    }
    return out;
}

result<bytes> gzip_compress(bytes_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return make_error(compression_errc::codec_failure, "deflateInit2");
    std::unique_ptr<z_stream, decltype(&deflateEnd)> guard(&zs, &deflateEnd);
    bytes out(deflateBound(&zs, static_cast<uLong>(in.size())));
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) return make_error(compression_errc::codec_failure, "deflate");
    out.resize(zs.total_out);
    return out;
}

result<bytes> lz4_decompress(bytes_view in, size_t max_output) {
    LZ4F_dctx* ctx = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
        return make_error(compression_errc::codec_failure, "LZ4F_createDecompressionContext");
    std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> guard(ctx, &LZ4F_freeDecompressionContext);
    bytes out;
    size_t pos = 0;
    size_t hint = 1;
    while (hint != 0) {
        if (pos >= in.size()) return make_error(compression_errc::corrupt_input, "lz4: truncated frame");
        if (out.size() == max_output) return make_error(compression_errc::output_too_large, "lz4");
        size_t chunk = std::min<size_t>(64 * 1024, max_output - out.size());
        size_t at = out.size();
        out.resize(at + chunk);
        size_t dst = chunk;
        size_t src = in.size() - pos;
        hint = LZ4F_decompress(ctx, out.data() + at, &dst, in.data() + pos, &src, nullptr);
        if (LZ4F_isError(hint)) return make_error(compression_errc::corrupt_input, "lz4: {}", LZ4F_getErrorName(hint));
        out.resize(at + dst);
        pos += src;
        if (src == 0 && dst == 0 && hint != 0 && pos >= in.size())
            return make_error(compression_errc::corrupt_input, "lz4: truncated frame");
    }
    return out;
}

result<bytes> lz4_compress(bytes_view in) {
    LZ4F_preferences_t prefs{};
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
    size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
    if (LZ4F_isError(n)) return make_error(compression_errc::codec_failure, "lz4: {}", LZ4F_getErrorName(n));
    out.resize(n);
    return out;
}

result<bytes> zstd_decompress(bytes_view in, size_t max_output) {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    if (ctx == nullptr) return make_error(compression_errc::codec_failure, "ZSTD_createDCtx");
    std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> guard(ctx, &ZSTD_freeDCtx);
    bytes out;
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    size_t rc = 1;
    while (rc != 0) {
        if (out.size() == max_output) return make_error(compression_errc::output_too_large, "zstd");
        size_t chunk = std::min<size_t>(std::max<size_t>(ZSTD_DStreamOutSize(), in.size() * 2), max_output - out.size());
        size_t at = out.size();
        out.resize(at + chunk);
        ZSTD_outBuffer ob{out.data() + at, chunk, 0};
        size_t before = ib.pos;
        rc = ZSTD_decompressStream(ctx, &ob, &ib);
        out.resize(at + ob.pos);
        if (ZSTD_isError(rc)) return make_error(compression_errc::corrupt_input, "zstd: {}", ZSTD_getErrorName(rc));
        if (rc != 0 && ib.pos == in.size() && ib.pos == before && ob.pos == 0)
            return make_error(compression_errc::corrupt_input, "zstd: truncated frame");
    }
    return out;
}

result<bytes> zstd_compress(bytes_view in) {
    bytes out(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
    if (ZSTD_isError(n)) return make_error(compression_errc::codec_failure, "zstd: {}", ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

}  // namespace

const std::error_category& compression_category() {
    static compression_category_impl c;
    return c;
}

std::string_view to_string(compression c) {
    switch (c) {
    case compression::none: return "none";
    case compression::gzip: return "gzip";
    case compression::snappy: return "snappy";
    case compression::lz4: return "lz4";
    case compression::zstd: return "zstd";
    }
    return "unknown";
}

result<compression> compression_from_attributes(int16_t attributes) {
    int c = attributes & 0x7;
    if (c > 4) return make_error(compression_errc::unknown_codec, "attributes codec {}", c);
    return static_cast<compression>(c);
}

result<bytes> compress(compression codec, bytes_view input) {
    switch (codec) {
    case compression::none: return bytes(input.begin(), input.end());
    case compression::gzip: return gzip_compress(input);
    case compression::snappy: return snappy_compress_raw(input);
    case compression::lz4: return lz4_compress(input);
    case compression::zstd: return zstd_compress(input);
    }
    return make_error(compression_errc::unknown_codec, "{}", static_cast<int>(codec));
}

result<bytes> decompress(compression codec, bytes_view input, size_t max_output) {
    switch (codec) {
    case compression::none:
        if (input.size() > max_output) return make_error(compression_errc::output_too_large, "none");
        return bytes(input.begin(), input.end());
    case compression::gzip: return gzip_decompress(input, max_output);
    case compression::snappy: return snappy_decompress(input, max_output);
    case compression::lz4: return lz4_decompress(input, max_output);
    case compression::zstd: return zstd_decompress(input, max_output);
    }
    return make_error(compression_errc::unknown_codec, "{}", static_cast<int>(codec));
}

result<bytes> compress_snappy_xerial(bytes_view input, size_t block_size) {
    bytes out(xerial_magic.begin(), xerial_magic.end());
    append_be<int32_t>(out, 1);
    append_be<int32_t>(out, 1);
    for (size_t pos = 0; pos < input.size(); pos += block_size) {
        EDDY_TRY_ASSIGN(bytes block, snappy_compress_raw(input.subspan(pos, std::min(block_size, input.size() - pos))));
        append_be<int32_t>(out, static_cast<int32_t>(block.size()));
        out.insert(out.end(), block.begin(), block.end());
    }
    return out;
}

}  // namespace eddy
