// group_commit: "acknowledge after durable" for one log. Producers' appends go to the page cache at once;
// each then asks for durability up to its last offset. One fsync runs at a time, covering every batch
// appended before it started; requests that arrive meanwhile wait for the next fsync, which then covers
// all of them. So N concurrent producers cost about two fsyncs, not N.
//
// Executor-agnostic (no Asio here): the owner injects
//   run_blocking(task): runs task on some thread that may block (the runtime's blocking pool);
//   post_back(task):    runs task on the log's owner thread (the shard).
// Lives on the log's owner shard; request() and every callback run there.
// REQUIRES: the log and this object outlive every fsync in flight (the runtime holds a gate).
// On fsync failure every waiting request completes with the error, and the log stops (see log::failed).
// It is also the log's background flush (log::set_background_flush): the fsyncs a segment roll leaves run
// in its next flush, started at once, so a roll never fsyncs on the owner's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "storage/log.h"
#include "storage/probe.h"

namespace eddy::storage {

class group_commit {
public:
    using task = std::function<void()>;
    using executor = std::function<void(task)>;
    using callback = std::function<void(result<void>)>;

    group_commit(log& l, executor run_blocking, executor post_back);
    ~group_commit();
    group_commit(const group_commit&) = delete;
    group_commit& operator=(const group_commit&) = delete;

    // Calls done once every offset below `upto` is durable: at once when it already is, else after
    // the covering fsync completes. REQUIRES: upto <= log end.
    void request(offset upto, callback done);

    [[nodiscard]] size_t waiting() const { return waiting_.size(); }
    [[nodiscard]] bool in_flight() const { return in_flight_; }
    [[nodiscard]] uint64_t fsyncs() const { return fsyncs_; }
    // Where each flush's duration and bytes are recorded (optional). REQUIRES: p outlives this object.
    void set_probe(storage_probe* p) { probe_ = p; }

private:
    [[nodiscard]] bool work_waiting() const { return !waiting_.empty() || log_.roll_work_pending(); }
    void schedule_start();
    void start();
    void finish(const log::flush_ticket& t, result<void> r);

    log& log_;
    executor run_blocking_;
    executor post_back_;
    std::vector<std::pair<offset, callback>> waiting_;
    bool in_flight_ = false;
    bool start_scheduled_ = false;
    // Expires with this object, so a scheduled start that runs after destruction does nothing.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
    uint64_t fsyncs_ = 0;
    storage_probe* probe_ = nullptr;
    uint64_t covered_bytes_ = 0;  // log_.appended_bytes() when the last flush was prepared
};

}  // namespace eddy::storage
