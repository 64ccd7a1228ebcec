#include "coord/producer_state.h"

#include <limits>

#include "base/assert.h"
#include "coord/codec.h"
#include "coord/errc.h"

namespace eddy::coord {
namespace {

constexpr uint16_t block_value_version = 0;
constexpr int32_t max_sequence = std::numeric_limits<int32_t>::max();

bool in_sequence(int32_t last_seq, int32_t next_seq) {
    return static_cast<int64_t>(next_seq) == static_cast<int64_t>(last_seq) + 1 ||
           (next_seq == 0 && last_seq == max_sequence);
}

}  // namespace

int32_t increment_sequence(int32_t seq, int32_t delta) {
    if (seq > max_sequence - delta) return delta - (max_sequence - seq) - 1;
    return seq + delta;
}

producer_id_allocator::producer_id_allocator(record_sink sink, int64_t block_size)
    : sink_(std::move(sink)), block_size_(block_size) {
    EDDY_ASSERT(block_size > 0);
}

producer_identity producer_id_allocator::init_producer_id() {
    if (next_ >= reserved_until_) {
        reserved_until_ = next_ + block_size_;
        if (sink_) sink_(encode_block(reserved_until_));
    }
    return producer_identity{producer_id{next_++}, 0};
}

void producer_id_allocator::observe(producer_id id) {
    if (id.value() >= next_) next_ = id.value() + 1;
}

result<void> producer_id_allocator::load(std::span<const record> records) {
    for (const auto& r : records) {
        if (type_of(r.key) != record_type::producer_id_block) continue;
        if (r.key.size() != 2 || !r.value) return make_error(errc::corrupt_record, "producer id block record");
        record_reader v(*r.value);
        uint16_t version = v.u16();
        if (!v.failed() && version != block_value_version) {
            return make_error(errc::unsupported_record_version, "producer id block version {}", version);
        }
        int64_t until = v.i64();
        if (!v.ok_and_done() || until < 0) return make_error(errc::corrupt_record, "producer id block value");
        // Ids of a block reserved before the restart may have been handed out: skip the whole block.
        if (until > next_) next_ = until;
        if (until > reserved_until_) reserved_until_ = until;
    }
    return {};
}

record producer_id_allocator::encode_block(int64_t reserved_until) {
    record_writer k, v;
    k.u16(static_cast<uint16_t>(record_type::producer_id_block));
    v.u16(block_value_version).i64(reserved_until);
    return record{k.take(), v.take()};
}

result<sequence_decision> partition_producers::check(producer_id id, producer_epoch epoch, int32_t base_sequence,
                                                     int32_t last_offset_delta) const {
    EDDY_ASSERT(id != no_producer_id);
    auto it = producers_.find(id);
    if (it == producers_.end()) {
        // Nothing in this partition's log from the producer: only a fresh sequence can start it. A
        // producer whose state was lost (retention, or it never wrote here yet mid-stream) must reset.
        if (base_sequence != 0) {
            return make_error(errc::unknown_producer_id, "producer {} has no state; sequence {} is not 0", id,
                              base_sequence);
        }
        return sequence_decision{};
    }
    const entry& e = it->second;
    if (epoch < e.epoch) {
        return make_error(errc::invalid_producer_epoch, "producer {} epoch {} is older than {}", id, epoch, e.epoch);
    }
    if (epoch > e.epoch) {
        if (base_sequence != 0) {
            return make_error(errc::out_of_order_sequence_number, "producer {} new epoch {} must start at 0, got {}",
                              id, epoch, base_sequence);
        }
        return sequence_decision{};
    }
    int32_t last_seq = increment_sequence(base_sequence, last_offset_delta);
    for (const auto& b : e.batches) {
        if (b.first_seq == base_sequence && b.last_seq == last_seq) {
            return sequence_decision{true, b.base_offset, b.last_offset};
        }
    }
    if (e.batches.empty() || !in_sequence(e.batches.back().last_seq, base_sequence)) {
        return make_error(errc::out_of_order_sequence_number, "producer {} expected sequence {}, got {}", id,
                          e.batches.empty() ? 0 : increment_sequence(e.batches.back().last_seq, 1), base_sequence);
    }
    return sequence_decision{};
}

void partition_producers::update(const producer_batch& b) {
    if (b.id == no_producer_id) return;
    auto [it, inserted] = producers_.try_emplace(b.id);
    entry& e = it->second;
    if (!inserted) {
        if (b.epoch < e.epoch) return;  // a fenced epoch's batch cannot change the newer epoch's state
        if (b.epoch > e.epoch) e.batches.clear();
    }
    e.epoch = b.epoch;
    e.batches.push_back(batch_entry{b.base_sequence, increment_sequence(b.base_sequence, b.last_offset_delta),
                                    b.base_offset, b.base_offset + b.last_offset_delta});
    while (e.batches.size() > producer_batches_retained) e.batches.pop_front();
}

const partition_producers::entry* partition_producers::find(producer_id id) const {
    auto it = producers_.find(id);
    return it == producers_.end() ? nullptr : &it->second;
}

}  // namespace eddy::coord
