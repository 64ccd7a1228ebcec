// The key/value records through which coordination state survives restarts. Every component emits its
// durable changes as records (value = nullopt is a tombstone) through a record_sink; the runtime appends
// them to an internal compacted topic and, on start-up, feeds them back in log order to load().
// The byte layouts are documented in docs/formats/coord.md.
//
// Every key starts with a big-endian u16 record_type so records of all components can share one topic
// and compaction (which is by key) never confuses two kinds. Every non-null value starts with a u16
// version of its layout.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "bytes/bytes.h"

namespace eddy::coord {

enum class record_type : uint16_t {
    offset_commit = 1,       // group coordinator: (group, topic, partition) -> committed offset
    group_metadata = 2,      // group coordinator: group -> generation, protocol, members
    topic = 3,               // topic catalog: name -> id, partition count, config overrides
    producer_id_block = 4,   // producer id allocator: highest reserved producer id
};

struct record {
    bytes key;
    std::optional<bytes> value;  // nullopt: tombstone, the key is deleted

    bool operator==(const record&) const = default;
};

// Called synchronously with every durable change, in the order the changes happen. The caller must make
// the records durable before acknowledging the request that caused them.
using record_sink = std::function<void(record)>;

// The type of a record from its key, or nullopt when the key is too short to have one.
[[nodiscard]] inline std::optional<record_type> type_of(bytes_view key) {
    if (key.size() < 2) return std::nullopt;
    return static_cast<record_type>(load_be<uint16_t>(key.data()));
}

}  // namespace eddy::coord
