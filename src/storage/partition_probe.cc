#include "storage/partition_probe.h"

#include <algorithm>

#include "storage/log.h"
#include "storage/record_batch.h"

namespace eddy::storage {

result<partition_families> partition_families::register_in(observability::metric_registry& registry) {
    const std::vector<std::string> labels{"topic", "partition"};
    partition_families f;
    EDDY_TRY_ASSIGN(f.appended_records, registry.add_counter("eddy_partition_appended_records_total",
                                                             "Records appended to the partition's log (Kafka "
                                                             "produce, REST produce).",
                                                             labels));
    EDDY_TRY_ASSIGN(f.appended_bytes, registry.add_counter("eddy_partition_appended_bytes_total",
                                                           "Bytes of record batches appended to the partition's log.",
                                                           labels));
    EDDY_TRY_ASSIGN(f.read_records, registry.add_counter("eddy_partition_read_records_total",
                                                         "Records read from the partition's log (Kafka fetch, REST "
                                                         "consumers).",
                                                         labels));
    EDDY_TRY_ASSIGN(f.read_bytes, registry.add_counter("eddy_partition_read_bytes_total",
                                                       "Bytes of record batches read from the partition's log.",
                                                       labels));
    EDDY_TRY_ASSIGN(f.size, registry.add_gauge("eddy_partition_log_size_bytes",
                                               "Bytes in the partition's log segments.", labels));
    EDDY_TRY_ASSIGN(f.segments, registry.add_gauge("eddy_partition_log_segments",
                                                   "Segments of the partition's log, the active one included.", labels));
    EDDY_TRY_ASSIGN(f.start_offset, registry.add_gauge("eddy_partition_log_start_offset",
                                                       "First offset readable in the partition (log start).", labels));
    EDDY_TRY_ASSIGN(f.end_offset, registry.add_gauge("eddy_partition_log_end_offset",
                                                     "Offset the next record appended to the partition gets (log "
                                                     "end, the high watermark).",
                                                     labels));
    return f;
}

uint64_t count_records(bytes_view batches) {
    uint64_t n = 0;
    size_t pos = 0;
    while (batches.size() - pos >= batch_header_size) {
        auto h = parse_header(batches.subspan(pos));
        if (!h || h->size_bytes() > batches.size() - pos) break;
        n += static_cast<uint64_t>(std::max(h->records_count, 0));
        pos += h->size_bytes();
    }
    return n;
}

partition_probe::partition_probe(const partition_families& f, const std::string& topic, partition_id p) : f_(&f) {
    const observability::label_values labels{topic, std::to_string(p.value())};
    appended_records_ = f.appended_records.get(labels);
    appended_bytes_ = f.appended_bytes.get(labels);
    read_records_ = f.read_records.get(labels);
    read_bytes_ = f.read_bytes.get(labels);
    size_ = f.size.get(labels);
    segments_ = f.segments.get(labels);
    start_offset_ = f.start_offset.get(labels);
    end_offset_ = f.end_offset.get(labels);
}

void partition_probe::log_changed(const storage::log& l) {
    if (!f_) return;
    size_.set(static_cast<double>(l.size_bytes()));
    segments_.set(static_cast<double>(l.segment_count()));
    start_offset_.set(static_cast<double>(l.log_start_offset().value()));
    end_offset_.set(static_cast<double>(l.log_end_offset().value()));
}

}  // namespace eddy::storage
