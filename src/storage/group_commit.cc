#include "storage/group_commit.h"

#include <chrono>

#include "base/assert.h"
#include "storage/errc.h"

namespace eddy::storage {

group_commit::group_commit(log& l, executor run_blocking, executor post_back)
    : log_(l), run_blocking_(std::move(run_blocking)), post_back_(std::move(post_back)),
      covered_bytes_(l.appended_bytes()) {
    log_.set_background_flush([this] {
        if (!in_flight_) schedule_start();
    });
}

group_commit::~group_commit() { log_.set_background_flush(nullptr); }

void group_commit::request(offset upto, callback done) {
    EDDY_ASSERT(upto <= log_.log_end_offset());
    if (log_.flushed_offset() >= upto) {
        done({});
        return;
    }
    if (log_.failed()) {
        done(make_error(errc::log_failed, "{}", log_.dir()));
        return;
    }
    waiting_.emplace_back(upto, std::move(done));
    if (!in_flight_) schedule_start();
}

// The fsync starts from the owner's queue rather than at once, so every producer that is runnable in
// this turn of the loop (typically all those the previous fsync just acknowledged, which append again at
// once) joins it. Starting immediately would cover only the first of them, halving the batch per fsync.
void group_commit::schedule_start() {
    if (start_scheduled_) return;
    start_scheduled_ = true;
    post_back_([this, alive = std::weak_ptr<int>(alive_)] {
        if (alive.expired()) return;
        start_scheduled_ = false;
        if (!in_flight_ && work_waiting()) start();
    });
}

void group_commit::start() {
    in_flight_ = true;
    ++fsyncs_;
    auto ticket = log_.prepare_flush();
    uint64_t bytes = log_.appended_bytes() - covered_bytes_;
    covered_bytes_ = log_.appended_bytes();
    run_blocking_([this, ticket, bytes] {
        // The fsync's own duration (not the queueing around it), on the real clock: it is a metric.
        auto t0 = std::chrono::steady_clock::now();
        auto r = log::run_flush(ticket);
        auto took = std::chrono::steady_clock::now() - t0;
        post_back_([this, ticket, r = std::move(r), took, bytes]() mutable {
            if (probe_ != nullptr) probe_->fsync_done(took, bytes, r.has_value());
            finish(ticket, std::move(r));
        });
    });
}

void group_commit::finish(const log::flush_ticket& t, result<void> r) {
    in_flight_ = false;
    log_.complete_flush(t, r);
    std::vector<std::pair<offset, callback>> ready;
    std::vector<std::pair<offset, callback>> still;
    for (auto& w : waiting_) {
        // On failure every waiter fails: the log has stopped, nothing more will become durable.
        if (!r || w.first <= log_.flushed_offset()) {
            ready.push_back(std::move(w));
        } else {
            still.push_back(std::move(w));
        }
    }
    waiting_ = std::move(still);
    for (auto& [_, cb] : ready) cb(r ? result<void>{} : make_error(r.error().code, r.error().context));
    // Also when only roll work is left: a roll while this fsync ran.
    if (work_waiting()) schedule_start();
}

}  // namespace eddy::storage
