#include "coord/group_lag.h"

#include <algorithm>

#include "coord/broker.h"
#include "coord/errc.h"
#include "coord/group_service.h"
#include "storage/record_batch.h"

namespace eddy::coord {
namespace {

std::optional<timestamp_ms> known(int64_t ts) {
    if (ts < 0) return std::nullopt;
    return timestamp_ms{ts};
}

}  // namespace

std::optional<timestamp_ms> timestamp_at_or_after(bytes_view batches, offset target) {
    size_t pos = 0;
    while (pos < batches.size()) {
        auto h = storage::parse_header(batches.subspan(pos));
        if (!h || h->size_bytes() > batches.size() - pos) return std::nullopt;
        bytes_view batch = batches.subspan(pos, h->size_bytes());
        pos += h->size_bytes();
        if (h->last() < target || h->is_control()) continue;
        if (h->is_log_append_time()) return known(h->max_timestamp);
        if (h->is_compressed()) return known(h->base_timestamp);
        auto records = storage::parse_records(batch);
        if (!records) return std::nullopt;
        for (const auto& r : *records) {
            if (h->base_offset + r.offset_delta >= target.value()) return known(h->base_timestamp + r.timestamp_delta);
        }
        // Compaction removed every record of this batch from target on: the next batch has the record.
    }
    return std::nullopt;
}

double seconds_behind(timestamp_ms now, timestamp_ms record) {
    return std::max<int64_t>(0, now.value() - record.value()) / 1000.0;
}

boost::asio::awaitable<result<partition_lag>> partition_lag_of(broker& b, const io::clock& clock, topic_partition tp,
                                                               offset committed) {
    auto stats = co_await b.describe_partition(tp.topic, tp.partition);
    if (!stats) co_return unexpected(std::move(stats).error());
    partition_lag out{std::move(tp), committed, stats->log_start, stats->log_end, 0, std::nullopt};
    if (committed >= stats->log_end) {
        out.lag_seconds = 0.0;
        co_return out;
    }
    out.lag_messages = stats->log_end.value() - committed.value();
    // read() always returns at least the whole batch holding `first`, however small max_bytes is.
    offset first = std::max(committed, stats->log_start);
    auto data = co_await b.read(out.tp.topic, out.tp.partition, first, 1);
    if (data) {
        if (auto ts = timestamp_at_or_after(data->data, first)) out.lag_seconds = seconds_behind(clock.now_ms(), *ts);
    }
    co_return out;
}

boost::asio::awaitable<result<std::vector<partition_lag>>> group_lag(broker& b, group_service& groups,
                                                                     const io::clock& clock, std::string group) {
    auto committed = co_await groups.fetch_offsets(std::move(group), std::nullopt);
    if (committed.error != errc::none) co_return make_error(committed.error, "fetching committed offsets");
    std::sort(committed.offsets.begin(), committed.offsets.end(),
              [](const fetched_offset& x, const fetched_offset& y) { return x.tp < y.tp; });
    std::vector<partition_lag> out;
    for (auto& c : committed.offsets) {
        if (c.error != errc::none || c.value.value() < 0) continue;
        auto lag = co_await partition_lag_of(b, clock, std::move(c.tp), c.value);
        if (lag) {
            out.push_back(std::move(*lag));
        } else if (lag.error().code != make_error_code(errc::unknown_topic_or_partition)) {
            co_return unexpected(std::move(lag).error());
        }
    }
    co_return out;
}

}  // namespace eddy::coord
