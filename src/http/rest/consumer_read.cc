// GET /consumers/{group}/instances/{instance}/records: one read of a consumer instance, on the home
// shard. Reads of one instance run one at a time (read_lock). A read returns as soon as a pass over the
// assigned partitions found records, else it long-polls (broker::wait_for_any) until the timeout, in
// slices so an assignment change or shutdown is noticed.
#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>

#include "base/log.h"
#include "coord/errc.h"
#include "http/rest/consumer_instance.h"
#include "http/rest/records.h"
#include "storage/errc.h"

namespace eddy::http::rest {
namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

constexpr log::logger rest_log{"rest"};
// One partition's read per pass: bounds the synchronous decode-and-render step on the home shard.
constexpr size_t partition_chunk = 1024 * 1024;
// Long polls wake at least this often to look at the assignment and at shutdown.
constexpr std::chrono::milliseconds poll_slice{500};

asio::awaitable<void> wait_for_assignment_change(home_state& h, consumer_instance& inst, steady::time_point until) {
    asio::steady_timer t(h.executor);
    t.expires_at(until);
    inst.reader_wait = &t;
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    inst.reader_wait = nullptr;
}

asio::awaitable<void> wait_for_data(home_state& h, consumer_instance& inst, steady::time_point deadline) {
    auto until = std::min(deadline, steady::now() + poll_slice);
    std::vector<coord::watch_point> points;
    for (const auto& [p, pos] : inst.assignment) {
        if (pos.next) points.push_back(coord::watch_point{p.topic, p.partition, *pos.next});
    }
    if (points.empty()) {
        co_await wait_for_assignment_change(h, inst, until);
    } else {
        co_await h.broker.wait_for_any(std::move(points), until);
    }
}

// Reads and renders one partition from `from`; returns the bytes taken. The position moves only if
// nobody changed it meanwhile (a seek or a rebalance wins; the records read are then dropped).
asio::awaitable<outcome<size_t>> read_partition(home_state& h, consumer_instance& inst, const tp& p,
                                                partition_position snapshot, size_t budget,
                                                boost::json::array& records) {
    auto r = co_await h.broker.read(p.topic, p.partition, *snapshot.next, std::min(partition_chunk, budget));
    auto it = inst.assignment.find(p);
    if (inst.closed || it == inst.assignment.end() || it->second.version != snapshot.version) co_return size_t{0};
    if (!r) {
        if (r.error().code == make_error_code(storage::errc::offset_out_of_range)) {
            auto reset = co_await reset_position(h, inst, p);
            if (!reset) co_return fail(reset.error());
            it = inst.assignment.find(p);
            if (it != inst.assignment.end() && it->second.version == snapshot.version) {
                it->second.next = *reset;
                ++it->second.version;
            }
            co_return size_t{0};
        }
        if (r.error().code == make_error_code(coord::errc::unknown_topic_or_partition)) co_return size_t{0};
        co_return fail(from_error(r.error()));
    }
    std::vector<consumed_record> got;
    auto decoded = decode_batches(r->data, *snapshot.next, budget, records.empty(), got);
    if (!decoded) {
        rest_log.error("consumer {}/{}: {}-{} at {}: {}", inst.group, inst.name, p.topic, p.partition,
                       *snapshot.next, decoded.error().message());
        co_return fail(from_error(decoded.error()));
    }
    offset next = decoded->next;
    size_t taken = 0;
    for (const auto& rec : got) {
        auto json = to_json(rec, p.topic, p.partition, inst.config.format);
        if (!json) {
            // Stop in front of the record; if nothing came before it, the client needs to hear why.
            if (records.empty()) co_return fail(failure{status::internal_server_error, code::kafka_error,
                                                        fmt::format("Kafka error: {}", json.error().message())});
            next = rec.at;
            break;
        }
        records.push_back(std::move(*json));
        taken += rec.size();
    }
    it->second.next = next;
    ++it->second.version;
    co_return taken;
}

// One pass over the assigned partitions, starting at a rotating one.
asio::awaitable<outcome<size_t>> read_pass(home_state& h, consumer_instance& inst, size_t budget,
                                           boost::json::array& records) {
    std::vector<std::pair<tp, partition_position>> parts(inst.assignment.begin(), inst.assignment.end());
    if (parts.empty()) co_return size_t{0};
    std::rotate(parts.begin(), parts.begin() + static_cast<ptrdiff_t>(inst.next_start++ % parts.size()), parts.end());
    size_t used = 0;
    for (const auto& [p, snapshot] : parts) {
        size_t left = used >= budget ? 0 : budget - used;
        if (left == 0 && !records.empty()) break;
        if (!snapshot.next) continue;
        auto n = co_await read_partition(h, inst, p, snapshot, std::max<size_t>(left, 1), records);
        if (!n) co_return n;
        used += *n;
    }
    co_return used;
}

}  // namespace

asio::awaitable<outcome<read_result>> read_records(home_state& h, std::shared_ptr<consumer_instance> inst,
                                                   read_request req) {
    const auto format = inst->config.format;
    if (req.accept && *req.accept != format) {
        co_return fail(failure{status::not_acceptable, code::format_mismatch,
                               "The requested embedded data format does not match the deserializer for this "
                               "consumer instance"});
    }
    if (inst->mode == instance_mode::none) {
        co_return illegal_state("Consumer is not subscribed to any topics or assigned any partitions");
    }
    auto timeout = req.timeout.count() < 0 ? h.options.default_read_timeout : std::min(req.timeout, h.options.max_read_timeout);
    size_t budget = req.max_bytes <= 0 ? h.options.max_read_bytes
                                       : std::min(static_cast<size_t>(req.max_bytes), h.options.max_read_bytes);
    auto deadline = steady::now() + timeout;
    auto units = co_await inst->read_lock.acquire(1);
    if (!units) co_return unavailable("the consumer instance is closing");

    if (inst->config.auto_commit && h.clock.monotonic() >= inst->next_auto_commit) {
        // Commits what earlier reads returned (never the records this read is about to return).
        inst->next_auto_commit = h.clock.monotonic() + h.options.auto_commit_interval;
        if (auto r = co_await commit_positions(h, *inst, true); !r) {
            rest_log.debug("consumer {}/{}: automatic commit failed: {}", inst->group, inst->name, r.error().message);
        }
    }
    boost::json::array records;
    size_t used = 0;
    while (!inst->closed && !h.stopping && inst->mode != instance_mode::none) {
        if (inst->mode == instance_mode::subscribed && inst->need_join) {
            if (steady::now() >= deadline) break;
            co_await wait_for_assignment_change(h, *inst, std::min(deadline, steady::now() + poll_slice));
            continue;
        }
        if (auto r = co_await resolve_positions(h, *inst); !r) co_return fail(r.error());
        auto n = co_await read_pass(h, *inst, budget > used ? budget - used : 0, records);
        if (!n) co_return fail(n.error());
        used += *n;
        if (!records.empty() || steady::now() >= deadline) break;
        co_await wait_for_data(h, *inst, deadline);
    }
    inst->last_used = h.clock.monotonic();
    h.options.probe.consumed(format, records.size());
    co_return read_result{format, to_json_text(records)};
}

}  // namespace eddy::http::rest
