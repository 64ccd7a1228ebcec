// The metrics registry: counter, gauge and histogram families with labels, per-shard cells that are
// updated without locks, callback metrics evaluated at scrape time, and series removal.
//
// Hot path. Updating a handle (counter::inc, gauge::set, histogram::observe) never locks and never does
// a contended atomic read-modify-write. Every series has one cell range per shard plus one shared slot;
// a thread that called set_current_shard(i) updates slot i with a relaxed load and a relaxed store (on
// x86 a plain load/add/store), and nobody else writes slot i. Threads without a shard use the shared
// slot with atomic fetch_add. A scrape sums all slots. Each family keeps its cells in per-slot 64-byte
// aligned chunks (detail/cell_arena.h), so shards never share a cache line and a scrape reads a family's
// cells sequentially.
// Obtaining a handle (family::get), registering families and callbacks, removal and scrapes lock.
//
// Naming (docs/metrics.md): eddy_<module>_<what>_<unit>, base units (seconds, bytes), counters end in
// _total (enforced), gauges must not (enforced).
//
// The probe pattern. Metric code stays out of module logic: each module keeps a small probe class that
// registers its families once and holds the handles, and logic calls one method per event:
//
//     // storage/probe.h
//     class partition_probe {
//     public:
//         partition_probe(const storage_families& f, const std::string& topic, int32_t partition)
//             : appended_bytes_(f.appended_bytes.get({topic, std::to_string(partition)})),
//               append_latency_(f.append_latency.get({topic, std::to_string(partition)})) {}
//         void batch_appended(size_t bytes, std::chrono::nanoseconds took) {
//             appended_bytes_.add(bytes);
//             append_latency_.observe(took);
//         }
//     private:
//         observability::counter appended_bytes_;       // eddy_storage_appended_bytes_total
//         observability::histogram append_latency_;     // eddy_storage_append_duration_seconds
//     };
//
// where storage_families is built once at start-up from metric_registry::add_counter/add_histogram
// (tests/probe_example_test.cc is this example, compiled and run).
// When the partition is deleted, the owner calls family.remove(...) (or registry.remove_series("topic",
// name)) so its series stop being exported; handles still held keep working but are no longer scraped.
#pragma once

#include <bit>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "observability/current_shard.h"
#include "observability/detail/cell_arena.h"

namespace eddy::observability {

using label_values = std::vector<std::string>;

class metric_registry;

namespace detail {

struct family;
struct callback_entry;

// One labelled series of a counter, gauge or histogram family: a range of cells in every slot.
// Lives while its family lists it or any handle refers to it; releases its cells when it dies.
class series {
public:
    series(std::shared_ptr<cell_arena> arena, uint32_t cells, label_values values, std::string labels_text,
           std::shared_ptr<const std::vector<double>> bounds);
    ~series();
    series(const series&) = delete;
    series& operator=(const series&) = delete;

    // Adds n to cell i of the calling thread's slot.
    void add_u64(uint32_t i, uint64_t n) {
        uint32_t s = detail::current_shard;
        if (s < shards_) [[likely]] {
            cell& c = bases_[s][i];
            c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
        } else {
            bases_[shards_][i].fetch_add(n, std::memory_order_relaxed);
        }
    }
    void add_f64(uint32_t i, double v) {
        uint32_t s = detail::current_shard;
        cell& c = bases_[s < shards_ ? s : shards_][i];
        if (s < shards_) [[likely]] {
            double now = std::bit_cast<double>(c.load(std::memory_order_relaxed)) + v;
            c.store(std::bit_cast<uint64_t>(now), std::memory_order_relaxed);
        } else {
            uint64_t old = c.load(std::memory_order_relaxed);
            while (!c.compare_exchange_weak(old, std::bit_cast<uint64_t>(std::bit_cast<double>(old) + v),
                                            std::memory_order_relaxed)) {
            }
        }
    }
    // Sets the calling thread's slot of cell i (its contribution to the sum).
    void set_f64(uint32_t i, double v) {
        uint32_t s = detail::current_shard;
        bases_[s < shards_ ? s : shards_][i].store(std::bit_cast<uint64_t>(v), std::memory_order_relaxed);
    }
    // Sums cell i over all slots. Safe to call from any thread at any time.
    [[nodiscard]] uint64_t sum_u64(uint32_t i) const;
    [[nodiscard]] double sum_f64(uint32_t i) const;
    // out[k] = sum over slots of cell first+k, for k < out.size(); reads one slot at a time.
    void sum_u64_range(uint32_t first, std::span<uint64_t> out) const;

    [[nodiscard]] const label_values& values() const { return values_; }
    // Rendered label pairs without braces, e.g. `topic="a",partition="0"`; empty when unlabelled.
    [[nodiscard]] const std::string& labels_text() const { return labels_text_; }
    // Histogram upper bounds (empty for counters and gauges).
    [[nodiscard]] std::span<const double> bounds() const { return bounds_span_; }

private:
    const uint32_t shards_;  // slots are 0..shards_-1 plus the shared slot shards_
    std::unique_ptr<cell*[]> bases_;
    std::shared_ptr<cell_arena> arena_;
    uint32_t index_;
    uint32_t cells_;
    label_values values_;
    std::string labels_text_;
    std::shared_ptr<const std::vector<double>> bounds_;
    std::span<const double> bounds_span_;
};

}  // namespace detail

// A monotonically increasing integer count. Cheap to copy; a default-constructed handle is empty.
class counter {
public:
    counter() = default;
    // REQUIRES (all updates): the handle is not empty.
    void inc() { s_->add_u64(0, 1); }
    void add(uint64_t n) { s_->add_u64(0, n); }
    // The sum over all shards (scrape-side; not for the hot path).
    [[nodiscard]] uint64_t value() const { return s_->sum_u64(0); }
    [[nodiscard]] explicit operator bool() const { return s_ != nullptr; }

private:
    template <typename Handle>
    friend class instrumented_family;
    explicit counter(std::shared_ptr<detail::series> s) : s_(std::move(s)) {}
    std::shared_ptr<detail::series> s_;
};

// A value that goes up and down. Its exported value is the sum of every shard's contribution: add/sub
// change the calling shard's contribution, set replaces it. A gauge updated from one thread only is
// simply its value.
class gauge {
public:
    gauge() = default;
    void set(double v) { s_->set_f64(0, v); }
    void add(double v) { s_->add_f64(0, v); }
    void sub(double v) { s_->add_f64(0, -v); }
    void inc() { add(1); }
    void dec() { add(-1); }
    [[nodiscard]] double value() const { return s_->sum_f64(0); }
    [[nodiscard]] explicit operator bool() const { return s_ != nullptr; }

private:
    template <typename Handle>
    friend class instrumented_family;
    explicit gauge(std::shared_ptr<detail::series> s) : s_(std::move(s)) {}
    std::shared_ptr<detail::series> s_;
};

// Observations counted in fixed buckets. Cells: one count per bucket (bucket i counts v <= bounds[i],
// the last counts the rest, i.e. +Inf), then the sum. The exported _count is the sum of the bucket
// counts, so _count always equals the +Inf bucket even while updates race with a scrape.
class histogram {
public:
    histogram() = default;
    // NaN lands in the +Inf bucket (and makes _sum NaN), as in the Prometheus client libraries.
    void observe(double v) {
        auto b = s_->bounds();
        uint32_t i = 0;
        const auto n = static_cast<uint32_t>(b.size());
        while (i < n && !(v <= b[i])) ++i;
        s_->add_u64(i, 1);
        s_->add_f64(n + 1, v);
    }
    // Observes a duration in seconds (the base unit).
    template <typename Rep, typename Period>
    void observe(std::chrono::duration<Rep, Period> d) {
        observe(std::chrono::duration<double>(d).count());
    }
    [[nodiscard]] uint64_t count() const;
    [[nodiscard]] double sum() const;
    // Cumulative counts per bound, plus a final entry for +Inf (== count()).
    [[nodiscard]] std::vector<uint64_t> cumulative_counts() const;
    [[nodiscard]] explicit operator bool() const { return s_ != nullptr; }

private:
    template <typename Handle>
    friend class instrumented_family;
    explicit histogram(std::shared_ptr<detail::series> s) : s_(std::move(s)) {}
    std::shared_ptr<detail::series> s_;
};

// A registered counter, gauge or histogram family: label values -> series handle.
template <typename Handle>
class instrumented_family {
public:
    instrumented_family() = default;
    // The series for `values`, created at zero when absent. Locks: call at set-up, keep the handle.
    // REQUIRES: values.size() equals the family's label count.
    [[nodiscard]] Handle get(const label_values& values = {}) const { return Handle(get_series(values)); }
    // Stops exporting the series for `values` (no-op when absent). Handles still held keep working, but
    // a later get() of the same values starts a new series at zero.
    void remove(const label_values& values) const;
    [[nodiscard]] const std::string& name() const;

private:
    friend class metric_registry;
    explicit instrumented_family(std::shared_ptr<detail::family> f) : f_(std::move(f)) {}
    [[nodiscard]] std::shared_ptr<detail::series> get_series(const label_values& values) const;
    std::shared_ptr<detail::family> f_;
};

using counter_family = instrumented_family<counter>;
using gauge_family = instrumented_family<gauge>;
using histogram_family = instrumented_family<histogram>;

// Keeps a callback metric registered; destroying or reset()ting it unregisters. Move-only.
class callback_registration {
public:
    callback_registration() = default;
    callback_registration(callback_registration&&) noexcept = default;
    callback_registration& operator=(callback_registration&& o) noexcept;
    ~callback_registration() { reset(); }

    // After reset returns the callback is not running and is never called again.
    void reset();

private:
    friend class callback_family;
    explicit callback_registration(std::shared_ptr<detail::callback_entry> e) : e_(std::move(e)) {}
    std::shared_ptr<detail::callback_entry> e_;
};

// A gauge or counter family whose values are computed by callbacks when scraped (log end offset, lag,
// memory, CPU time). Callbacks run on the scraping thread, one at a time per series, so they must read
// only thread-safe state (atomics, or values published by their shard) and must not call the registry.
class callback_family {
public:
    callback_family() = default;
    // Registers `fn` for `values`, replacing a callback already registered for the same values.
    // REQUIRES: values.size() equals the family's label count; fn is not empty.
    [[nodiscard]] callback_registration add(const label_values& values, std::function<double()> fn) const;
    [[nodiscard]] const std::string& name() const;

private:
    friend class metric_registry;
    explicit callback_family(std::shared_ptr<detail::family> f) : f_(std::move(f)) {}
    std::shared_ptr<detail::family> f_;
};

// All metric families of the process. Thread-safe. Handles and families may outlive it.
class metric_registry {
public:
    // REQUIRES: shard_count >= 1 (threads whose shard index is >= shard_count use the shared slot).
    explicit metric_registry(uint32_t shard_count);
    ~metric_registry();
    metric_registry(const metric_registry&) = delete;
    metric_registry& operator=(const metric_registry&) = delete;

    [[nodiscard]] uint32_t shard_count() const { return shard_count_; }

    // Registering a family that already exists with exactly the same definition returns it; a different
    // definition under the same name is errc::conflicting_family.
    [[nodiscard]] result<counter_family> add_counter(std::string_view name, std::string_view help,
                                                     std::vector<std::string> label_names = {});
    [[nodiscard]] result<gauge_family> add_gauge(std::string_view name, std::string_view help,
                                                 std::vector<std::string> label_names = {});
    [[nodiscard]] result<histogram_family> add_histogram(std::string_view name, std::string_view help,
                                                         std::vector<std::string> label_names,
                                                         std::vector<double> bounds);
    [[nodiscard]] result<callback_family> add_callback_gauge(std::string_view name, std::string_view help,
                                                             std::vector<std::string> label_names = {});
    [[nodiscard]] result<callback_family> add_callback_counter(std::string_view name, std::string_view help,
                                                               std::vector<std::string> label_names = {});

    // Removes every series of every family whose label `label_name` equals `label_value` (e.g. all
    // series of a deleted topic). Removed callbacks are never called again. Returns how many went.
    size_t remove_series(std::string_view label_name, std::string_view label_value);

    // Series currently exported, over all families.
    [[nodiscard]] size_t series_count() const;

    // For exposition writers: the families, sorted by name.
    [[nodiscard]] std::vector<std::shared_ptr<const detail::family>> families() const;

private:
    [[nodiscard]] result<std::shared_ptr<detail::family>> add_family(std::shared_ptr<detail::family> f);
    [[nodiscard]] std::vector<std::shared_ptr<detail::family>> all_families() const;

    const uint32_t shard_count_;
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace eddy::observability
