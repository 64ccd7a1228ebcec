// Records for the REST Proxy's consumers: decoding the batches a partition log returns (compressed ones
// included) into keys and values, and rendering them as Confluent's v2 consumer records.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "bytes/bytes.h"
#include "http/rest/common.h"

namespace eddy::http::rest {

// A compressed batch may expand to at most this much; a larger one fails the read (it bounds memory).
inline constexpr size_t max_decompressed_batch = 64 * 1024 * 1024;

struct consumed_record {
    offset at;
    std::optional<std::string> key;
    std::optional<std::string> value;

    // What counts against a read's max_bytes: the key and value bytes (Confluent counts them the same way).
    [[nodiscard]] size_t size() const { return (key ? key->size() : 0) + (value ? value->size() : 0); }
};

struct decoded_batches {
    offset next;        // where the next read of the partition starts
    size_t bytes = 0;   // size() of the records taken
    bool full = false;  // stopped at the budget, with records left
};

// Appends the records of `data` (whole RecordBatch v2 batches) at offsets >= from to `out`, until taking
// the next one would pass `budget` bytes; with take_one, the first record is taken whatever its size, so
// one large record cannot stall a consumer. Control batches are skipped. `next` moves past every batch
// fully consumed, so gaps left by compaction do not stop a consumer either. Records whose offsets lie
// outside their batch's [base, last] (possible only inside a compressed batch) are skipped.
[[nodiscard]] result<decoded_batches> decode_batches(bytes_view data, offset from, size_t budget, bool take_one,
                                                     std::vector<consumed_record>& out);

// {"topic", "key", "value", "partition", "offset"}: keys and values as base64 strings (binary) or as
// the JSON documents they hold (json; an error when one is not JSON). Null stays null.
[[nodiscard]] result<boost::json::object> to_json(const consumed_record& r, std::string_view topic,
                                                  partition_id partition, embedded_format format);

}  // namespace eddy::http::rest
