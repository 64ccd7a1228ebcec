#include "http/rest/records.h"

#include <algorithm>

#include "bytes/compression.h"
#include "http/errc.h"
#include "http/responses.h"
#include "http/rest/base64.h"
#include "storage/errc.h"
#include "storage/record_batch.h"

namespace eddy::http::rest {
namespace {

// The batch with its records section decompressed: the same header (compression bits cleared,
// batchLength adjusted) followed by the plain records, so storage::parse_records can walk it.
result<bytes> decompressed_batch(bytes_view batch, const storage::batch_header& h) {
    EDDY_TRY_ASSIGN(auto codec, compression_from_attributes(h.attributes));
    auto records = batch.subspan(storage::batch_header_size, h.size_bytes() - storage::batch_header_size);
    EDDY_TRY_ASSIGN(auto plain, decompress(codec, records, max_decompressed_batch));
    bytes out(batch.begin(), batch.begin() + storage::batch_header_size);
    out.insert(out.end(), plain.begin(), plain.end());
    auto length = static_cast<int32_t>(out.size() - storage::batch_log_overhead);
    store_be<int32_t>(out.data() + 8, length);
    store_be<int16_t>(out.data() + 21, static_cast<int16_t>(h.attributes & ~0x7));
    return out;
}

std::optional<std::string> copy(const std::optional<bytes_view>& b) {
    if (!b) return std::nullopt;
    return std::string(as_string_view(*b));
}

}  // namespace

result<decoded_batches> decode_batches(bytes_view data, offset from, size_t budget, bool take_one,
                                       std::vector<consumed_record>& out) {
    decoded_batches d{.next = from};
    size_t pos = 0;
    while (data.size() - pos >= storage::batch_header_size) {
        auto rest = data.subspan(pos);
        EDDY_TRY_ASSIGN(auto h, storage::parse_header(rest));
        if (h.size_bytes() > rest.size()) break;  // a partial batch at the end of a read
        bytes_view batch = rest.first(h.size_bytes());
        pos += h.size_bytes();
        if (h.last() < from || h.is_control()) {
            d.next = std::max(d.next, offset{h.last().value() + 1});
            continue;
        }
        bytes plain;
        if (h.is_compressed()) {
            EDDY_TRY_ASSIGN(plain, decompressed_batch(batch, h));
            batch = plain;
        }
        EDDY_TRY_ASSIGN(auto records, storage::parse_records(batch));
        for (const auto& r : records) {
            offset at{h.base_offset + r.offset_delta};
            // The records inside a compressed batch were not validated when it was produced. One whose
            // offset lies outside its batch is not delivered: `next` would jump to it, and a consumer
            // would skip the records of later batches up to that offset.
            if (at < from || at < h.base() || at > h.last()) continue;
            consumed_record c{at, copy(r.key), copy(r.value)};
            bool first = take_one && out.empty();
            if (!first && d.bytes + c.size() > budget) {
                d.full = true;
                return d;
            }
            d.bytes += c.size();
            d.next = offset{at.value() + 1};
            out.push_back(std::move(c));
        }
        d.next = std::max(d.next, offset{h.last().value() + 1});
    }
    return d;
}

namespace {

result<boost::json::value> embedded(const std::optional<std::string>& b, embedded_format format, std::string_view what,
                                    std::string_view topic, partition_id partition, offset at) {
    if (!b) return boost::json::value(nullptr);
    if (format == embedded_format::binary) return boost::json::value(base64_encode(as_bytes(*b)));
    auto v = parse_json(*b);
    if (!v) {
        return make_error(errc::bad_json, "the {} of {}/{} at offset {} is not JSON (read it with the binary format)",
                          what, topic, partition, at);
    }
    return v;
}

}  // namespace

result<boost::json::object> to_json(const consumed_record& r, std::string_view topic, partition_id partition,
                                    embedded_format format) {
    EDDY_TRY_ASSIGN(auto key, embedded(r.key, format, "key", topic, partition, r.at));
    EDDY_TRY_ASSIGN(auto value, embedded(r.value, format, "value", topic, partition, r.at));
    boost::json::object o;
    o["topic"] = topic;
    o["key"] = std::move(key);
    o["value"] = std::move(value);
    o["partition"] = partition.value();
    o["offset"] = r.at.value();
    return o;
}

}  // namespace eddy::http::rest
