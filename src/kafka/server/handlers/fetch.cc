// Fetch (key 1), v4-12 (flexible from v12; last_fetched_epoch is not checked: a leader that never changes
// has no diverging epoch), sessionless (session_id is always 0, which KIP-227 allows). Each partition is
// read on its owner shard, the owners in parallel (one hop per shard, coord::broker::read_many); whole
// batches from the one holding fetch_offset, within the partition's and the request's byte limits in
// request order, but at least one batch for the first partition with data (KIP-74). Batches whose CRCs
// this process has checked are sent from their segment file with sendfile (log::read_slice), others are
// read (and checked) first. When less than
// min_bytes is available the request long-polls until data arrives on any requested partition or
// max_wait_ms passes. last_stable_offset = high watermark (no transactions), so read_committed consumers
// see everything.
#include <algorithm>
#include <chrono>

#include "coord/broker.h"
#include "kafka/protocol/messages/fetch.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"
#include "storage/record_batch.h"

namespace eddy::kafka::server {
namespace {

using protocol::fetch_response;

struct fetch_pass {
    fetch_response resp;
    std::vector<byte_buffer> buffers;             // one per partition read into memory
    std::vector<std::shared_ptr<io::file>> files;  // the segment files that records fields name
    size_t total = 0;
    bool any_error = false;
};

// The longest run of whole batches at the front of data within limit bytes; with at_least_one, the
// first batch even when it alone is larger. data holds whole batches as the log stored them.
size_t whole_batches_within(bytes_view data, size_t limit, bool at_least_one) {
    size_t n = 0;
    while (n < data.size()) {
        auto h = storage::parse_header(data.subspan(n));
        if (!h || n + h->size_bytes() > data.size()) break;
        if (n + h->size_bytes() > limit && !(at_least_one && n == 0)) break;
        n += h->size_bytes();
    }
    return n;
}

// The same for batches of known sizes (a file slice).
size_t whole_batches_within(const std::vector<uint32_t>& sizes, size_t limit, bool at_least_one) {
    size_t n = 0;
    for (uint32_t b : sizes) {
        if (n + b > limit && !(at_least_one && n == 0)) break;
        n += b;
    }
    return n;
}

boost::asio::awaitable<fetch_pass> read_once(request_context& ctx, const protocol::fetch_request& req) {
    std::vector<coord::read_request> reads;
    for (const auto& t : req.topics) {
        for (const auto& p : t.partitions) {
            reads.push_back({t.topic, partition_id{p.partition}, offset{p.fetch_offset},
                             static_cast<size_t>(std::max(1, p.partition_max_bytes))});
        }
    }
    const size_t budget = static_cast<size_t>(std::max(1, req.max_bytes));
    // Batches a segment file can send come back as file slices: sent with sendfile, never read here.
    auto results = co_await ctx.broker().read_many(std::move(reads), budget, true);
    // The request's budget across all owners, in request order.
    fetch_pass pass;
    size_t remaining = static_cast<size_t>(std::max(0, req.max_bytes));
    size_t i = 0;
    for (const auto& t : req.topics) {
        auto& tr = pass.resp.responses.emplace_back();
        tr.topic = t.topic;
        for (const auto& p : t.partitions) {
            auto& r = results[i++];
            auto& pd = tr.partitions.emplace_back();
            pd.partition_index = p.partition;
            pd.aborted_transactions.emplace();
            if (!r) {
                pd.error_code = to_kafka_error(r.error());
                pd.high_watermark = -1;
                pd.records = bytes_view{};
                pass.any_error = true;
                continue;
            }
            pd.high_watermark = r->high_watermark.value();
            pd.last_stable_offset = r->high_watermark.value();
            pd.log_start_offset = r->log_start.value();
            if (r->slice) {
                const size_t n = whole_batches_within(r->slice->batch_sizes, remaining, pass.total == 0);
                remaining -= std::min(remaining, n);
                pass.total += n;
                pd.records = bytes_view{};
                if (n > 0) {
                    pd.records.file = protocol::file_records{r->slice->file->native_handle(), r->slice->pos, n};
                    pass.files.push_back(std::move(r->slice->file));
                }
                continue;
            }
            r->data.resize(whole_batches_within(r->data, remaining, pass.total == 0));
            remaining -= std::min(remaining, r->data.size());
            pass.total += r->data.size();
            pass.buffers.push_back(std::move(r->data));
            pd.records = bytes_view{};
        }
    }
    // Point the records at the buffers only now: the vector no longer grows.
    size_t b = 0;
    size_t k = 0;
    for (auto& tr : pass.resp.responses) {
        for (auto& pd : tr.partitions) {
            if (results[k] && !results[k]->slice) pd.records = bytes_view(pass.buffers[b++]);
            ++k;
        }
    }
    co_return pass;
}

struct fetch_handler {
    using request = protocol::fetch_request;
    using response = protocol::fetch_response;
    static constexpr int16_t min_version = 4;
    static constexpr int16_t max_version = 12;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        ctx.release();  // a fetch changes nothing: later requests need not wait for its long poll
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, req.max_wait_ms));
        for (;;) {
            auto pass = co_await read_once(ctx, req);
            bool enough = pass.total >= static_cast<size_t>(std::max(0, req.min_bytes)) && pass.total > 0;
            if (enough || pass.any_error || req.min_bytes <= 0 || std::chrono::steady_clock::now() >= deadline) {
                for (auto& b : pass.buffers) ctx.keep(std::move(b));
                for (auto& f : pass.files) ctx.keep_alive(std::move(f));
                co_return std::move(pass.resp);
            }
            // Wake on appends past what is there now, not past the fetch offset (data below min_bytes
            // may already be there).
            std::vector<coord::watch_point> points;
            for (size_t i = 0; i < req.topics.size(); ++i) {
                const auto& t = req.topics[i];
                for (size_t j = 0; j < t.partitions.size(); ++j) {
                    int64_t from = std::max(t.partitions[j].fetch_offset, pass.resp.responses[i].partitions[j].high_watermark);
                    points.push_back({t.topic, partition_id{t.partitions[j].partition}, offset{from}});
                }
            }
            co_await ctx.broker().wait_for_any(std::move(points), deadline);
        }
    }
};

}  // namespace

handler_entry make_fetch_handler() { return make_handler<fetch_handler>(); }

}  // namespace eddy::kafka::server
