// Whole-message helpers over the generated codecs: decode a body that must be consumed exactly, and
// encode complete frames (size prefix + header + body) with the header version the api table gives.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "kafka/protocol/frame.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/messages/api_table.h"
#include "kafka/protocol/wire.h"

namespace eddy::kafka::protocol {

// Decodes a request body the way Kafka's broker does: bytes left over after the message are ignored and
// counted in `trailing`. librdkafka 2.x sends the null topic array of a flexible "all topics" Metadata
// request as a 4-byte placeholder that Kafka reads one byte of; refusing the rest would cut those clients off.
template <typename M>
[[nodiscard]] result<M> decode_request_body(bytes_view body, int16_t version, size_t& trailing) {
    reader in(body);
    M m;
    if (auto r = m.decode(in, version); !r) {
        error e = std::move(r).error();
        e.context = fmt::format("{} v{}: {}", M::api_name, version, e.context);
        return unexpected(std::move(e));
    }
    trailing = in.remaining();
    return m;
}

// Decodes a message body of `version`; bytes left over after it are errc::trailing_bytes.
template <typename M>
[[nodiscard]] result<M> decode_body(bytes_view body, int16_t version) {
    size_t trailing = 0;
    auto m = decode_request_body<M>(body, version, trailing);
    if (m && trailing != 0)
        return make_error(errc::trailing_bytes, "{} v{}: {} bytes after the body", M::api_name, version, trailing);
    return m;
}

template <typename M>
[[nodiscard]] result<bytes> encode_body(const M& m, int16_t version) {
    bytes out;
    writer w(out);
    m.encode(w, version);
    EDDY_TRY(w.finish());
    return out;
}

// A complete response frame. The header version follows from M's api and `version`.
template <typename M>
[[nodiscard]] result<bytes> encode_response_frame(int32_t correlation_id, const M& m, int16_t version) {
    EDDY_TRY_ASSIGN(int16_t header_version, response_header_version(M::api_key, version));
    bytes out;
    size_t at = begin_frame(out);
    writer w(out);
    encode_response_header(w, response_header{correlation_id}, header_version);
    m.encode(w, version);
    EDDY_TRY(w.finish());
    EDDY_TRY(end_frame(out, at));
    return out;
}

// A response frame whose large records fields are not copied: `head` holds every other byte, and each
// piece's data goes right after the first piece.at bytes of head (writer::borrow_records).
struct scattered_frame {
    bytes head;
    std::vector<borrowed_piece> pieces;
};

// encode_response_frame, borrowing records fields of at least min_borrow bytes instead of copying them.
// REQUIRES: the records' bytes outlive the frame's send.
template <typename M>
[[nodiscard]] result<scattered_frame> encode_response_frame_scattered(int32_t correlation_id, const M& m,
                                                                      int16_t version, size_t min_borrow) {
    EDDY_TRY_ASSIGN(int16_t header_version, response_header_version(M::api_key, version));
    scattered_frame out;
    size_t at = begin_frame(out.head);
    writer w(out.head);
    w.borrow_records(&out.pieces, min_borrow);
    encode_response_header(w, response_header{correlation_id}, header_version);
    m.encode(w, version);
    EDDY_TRY(w.finish());
    EDDY_TRY(end_frame(out.head, at, w.size() - out.head.size()));
    return out;
}

// A complete request frame; h.api_key is set from M and h.api_version is the body's version.
template <typename M>
[[nodiscard]] result<bytes> encode_request_frame(request_header h, const M& m) {
    h.api_key = M::api_key;
    EDDY_TRY_ASSIGN(int16_t header_version, request_header_version(M::api_key, h.api_version));
    bytes out;
    size_t at = begin_frame(out);
    writer w(out);
    encode_request_header(w, h, header_version);
    m.encode(w, h.api_version);
    EDDY_TRY(w.finish());
    EDDY_TRY(end_frame(out, at));
    return out;
}

}  // namespace eddy::kafka::protocol
