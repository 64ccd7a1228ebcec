// Storage metrics (docs/metrics.md): how long the fsyncs of group commit take, how many run, how many
// bytes each makes durable, and how many fail. Process-wide, not per partition: the fsync rate and size
// are what the disk sees, and per-partition histograms would multiply the series count.
//
// storage_families is registered once (by the broker); one storage_probe holding the handles is shared
// by every partition's group_commit. Its updates land in the calling thread's metric slot (the owner
// shard's, since group commit completes there), so it needs no lock; one call per fsync, never per record.
#pragma once

#include <chrono>
#include <cstdint>

#include "base/result.h"
#include "observability/metric_registry.h"

namespace eddy::storage {

struct storage_families {
    observability::histogram_family fsync_latency;  // eddy_storage_fsync_duration_seconds
    observability::counter_family fsyncs;           // eddy_storage_fsyncs_total
    observability::histogram_family fsync_bytes;    // eddy_storage_fsync_bytes
    observability::counter_family fsync_errors;     // eddy_storage_fsync_errors_total

    [[nodiscard]] static result<storage_families> register_in(observability::metric_registry& registry);
};

// Thread-safe (each thread writes its own slot; the handles are never reassigned). An empty probe records
// nothing.
class storage_probe {
public:
    storage_probe() = default;
    explicit storage_probe(const storage_families& f);

    // A flush ran for `took` and covered `bytes` appended since the previous one; ok == false: it failed.
    void fsync_done(std::chrono::nanoseconds took, uint64_t bytes, bool ok);

private:
    observability::histogram latency_;
    observability::counter fsyncs_;
    observability::histogram bytes_;
    observability::counter errors_;
};

}  // namespace eddy::storage
