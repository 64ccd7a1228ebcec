// Idempotent-producer state, as Kafka keeps it:
// - producer_id_allocator answers InitProducerId for non-transactional producers (a fresh producer id,
//   epoch 0). Ids are reserved in blocks; each reservation is a record, so ids are never reused
//   after a restart.
// - partition_producers tracks, for one partition, each producer's epoch and its last 5 batches'
//   sequence ranges and offsets, and decides for a new batch: accept, duplicate (answer with the
//   original offsets, as Kafka does), or an error (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH,
//   UNKNOWN_PRODUCER_ID). It is not persisted on its own: on recovery the partition log is replayed
//   batch by batch through replay().
//
// Each partition_producers lives on the shard owning its partition; the allocator on the coordinator
// shard. Neither is thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>

#include "base/ids.h"
#include "base/result.h"
#include "coord/record.h"

namespace eddy::coord {

using producer_id = strong<struct producer_id_tag, int64_t>;
using producer_epoch = int16_t;

inline constexpr producer_id no_producer_id{-1};  // a batch from a non-idempotent producer
inline constexpr size_t producer_batches_retained = 5;  // Kafka's NUM_BATCHES_TO_RETAIN

struct producer_identity {
    producer_id id;
    producer_epoch epoch = 0;
};

class producer_id_allocator {
public:
    // REQUIRES: block_size > 0.
    explicit producer_id_allocator(record_sink sink = {}, int64_t block_size = 1000);

    // A never-before-used producer id with epoch 0. Emits a block record when a new block is reserved;
    // the caller must make it durable before answering.
    [[nodiscard]] producer_identity init_producer_id();
    // True when id was handed out by this allocator (or reserved before a restart).
    [[nodiscard]] bool is_allocated(producer_id id) const { return id.value() >= 0 && id.value() < next_; }
    // Makes later allocations exceed id (e.g. an id found in a log during recovery).
    void observe(producer_id id);

    // Applies producer-id block records; others are skipped.
    [[nodiscard]] result<void> load(std::span<const record> records);
    [[nodiscard]] static record encode_block(int64_t reserved_until);

private:
    record_sink sink_;
    int64_t block_size_;
    int64_t next_ = 0;            // the next id to hand out
    int64_t reserved_until_ = 0;  // ids below this are reserved durably
};

// A batch's producer fields, as stored in its RecordBatch v2 header, plus where it landed.
struct producer_batch {
    producer_id id;
    producer_epoch epoch = 0;
    int32_t base_sequence = 0;
    int32_t last_offset_delta = 0;  // records in the batch - 1
    offset base_offset;             // assigned by the log
};

// What check() decided for a batch that is not an error.
struct sequence_decision {
    bool duplicate = false;
    // For a duplicate: where the original batch was written.
    offset base_offset;
    offset last_offset;
};

// Kafka's sequence arithmetic: seq + delta wrapping from INT32_MAX to 0.
[[nodiscard]] int32_t increment_sequence(int32_t seq, int32_t delta);

class partition_producers {
public:
    struct batch_entry {
        int32_t first_seq;
        int32_t last_seq;
        offset base_offset;
        offset last_offset;
    };
    struct entry {
        producer_epoch epoch = 0;
        std::deque<batch_entry> batches;  // oldest first, at most producer_batches_retained
    };

    // Validates a client batch. Does not change state: after the log appended the batch, call
    // update() with its base offset. REQUIRES: b.id != no_producer_id; no other batch of this
    // partition is checked or updated between this check() and its update() (one shard, no suspension).
    [[nodiscard]] result<sequence_decision> check(producer_id id, producer_epoch epoch, int32_t base_sequence,
                                                  int32_t last_offset_delta) const;
    // Records an appended batch. Also the recovery path: replay every batch of the log in order.
    void update(const producer_batch& b);
    void replay(const producer_batch& b) { update(b); }

    [[nodiscard]] const entry* find(producer_id id) const;
    [[nodiscard]] size_t size() const { return producers_.size(); }

private:
    std::unordered_map<producer_id, entry> producers_;
};

}  // namespace eddy::coord
