#include "storage/probe.h"

#include "observability/buckets.h"

namespace eddy::storage {

result<storage_families> storage_families::register_in(observability::metric_registry& registry) {
    storage_families f;
    EDDY_TRY_ASSIGN(f.fsync_latency, registry.add_histogram("eddy_storage_fsync_duration_seconds",
                                                            "Time of one group-commit flush on the blocking pool "
                                                            "(fdatasync of the active segment, plus the syncs a "
                                                            "segment roll left).",
                                                            {}, observability::latency_buckets()));
    EDDY_TRY_ASSIGN(f.fsyncs, registry.add_counter("eddy_storage_fsyncs_total",
                                                   "Group-commit flushes run (rate() gives fsyncs per second)."));
    EDDY_TRY_ASSIGN(f.fsync_bytes, registry.add_histogram("eddy_storage_fsync_bytes",
                                                          "Bytes appended since the previous flush of the same log "
                                                          "that one flush made durable (the bytes per fsync).",
                                                          {}, observability::size_buckets()));
    EDDY_TRY_ASSIGN(f.fsync_errors, registry.add_counter("eddy_storage_fsync_errors_total",
                                                         "Group-commit flushes that failed (the log stops)."));
    return f;
}

storage_probe::storage_probe(const storage_families& f)
    : latency_(f.fsync_latency.get()), fsyncs_(f.fsyncs.get()), bytes_(f.fsync_bytes.get()),
      errors_(f.fsync_errors.get()) {}

void storage_probe::fsync_done(std::chrono::nanoseconds took, uint64_t bytes, bool ok) {
    if (!fsyncs_) return;
    fsyncs_.inc();
    latency_.observe(took);
    bytes_.observe(static_cast<double>(bytes));
    if (!ok) errors_.inc();
}

}  // namespace eddy::storage
