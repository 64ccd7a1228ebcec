// libFuzzer target for the Kafka wire codecs. The input is treated three ways:
//  1. a byte stream through the frame splitter (with a small maximum frame size);
//  2. one request payload: the header is decoded, then the body as the api/version the header names;
//  3. after a 2-byte selector (api index, request/response, version), the body of that message type, so
//     libFuzzer can steer into every type and version without paying for all of them on every input.
// Whatever decodes must re-encode, and the re-encoding must be a fixed point of decode+encode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kafka/protocol/codec.h"

namespace {

using namespace eddy;
using namespace eddy::kafka::protocol;

template <typename M>
void check_body(bytes_view body, int16_t version) {
    auto m = decode_body<M>(body, version);
    if (!m) return;
    // A decoded message is always encodable in the same version: nulls and lengths were validated.
    auto first = encode_body(*m, version);
    if (!first) std::abort();
    auto again = decode_body<M>(*first, version);
    if (!again) std::abort();
    auto second = encode_body(*again, version);
    if (!second || *second != *first) std::abort();
}

template <typename M>
void check_selected_version(uint8_t selector, bytes_view body) {
    const int span = M::max_version - M::min_version + 1;
    check_body<M>(body, static_cast<int16_t>(M::min_version + selector % span));
}

void check_selected_body(bytes_view in) {
    if (in.size() < 2) return;
    const api_info& api = api_table[in[0] % api_table.size()];
    const uint8_t selector = in[1] >> 1;
    const bytes_view body = in.subspan(2);
    auto check = [&](auto type) { check_selected_version<typename decltype(type)::type>(selector, body); };
    if (in[1] & 1) visit_response_type(api.key, check);
    else visit_request_type(api.key, check);
}

void check_stream(bytes_view in) {
    frame_splitter s(64);
    // Feed in two pieces so reassembly across appends is exercised.
    size_t half = in.size() / 2;
    s.append(in.first(half));
    for (int i = 0; i < 2; ++i) {
        for (;;) {
            auto f = s.next();
            if (!f || !f->has_value()) break;
        }
        if (i == 0) s.append(in.subspan(half));
    }
}

void check_request(bytes_view in) {
    reader r(in);
    auto h = decode_request_header(r);
    if (!h) return;
    bytes_view body = in.subspan(r.position());
    const int16_t version = h->header.api_version;
    visit_request_type(h->header.api_key, [&](auto type) {
        using M = typename decltype(type)::type;
        check_body<M>(body, version);
    });
    // The header itself must round-trip.
    bytes out;
    writer w(out);
    encode_request_header(w, h->header, h->header_version);
    if (!w.finish()) std::abort();
    reader again(out);
    auto h2 = decode_request_header(again);
    if (!h2 || h2->header != h->header || !again.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    check_stream(in);
    check_request(in);
    check_selected_body(in);
    return 0;
}
