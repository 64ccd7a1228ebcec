// meta_store: the durable home of the broker's coordination records (record.h): the topic catalog and
// producer-id blocks. It is one storage::log at <data_dir>/meta/__eddy_meta, outside topics/ so it is
// never served as a topic. Each record is one Kafka record (key, value; a null value is a tombstone) in
// a RecordBatch v2, so the log's recovery and CRC checks protect it like any partition.
//
// Lives on the broker's control shard (0); not thread-safe. Appends are flushed before append()
// returns: admin requests are rare and must not be acknowledged before they are durable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "coord/record.h"
#include "io/clock.h"
#include "io/file.h"
#include "storage/log.h"

namespace eddy::coord {

class meta_store {
public:
    // Opens (recovering) or creates the log. REQUIRES: fs and clock outlive the store.
    [[nodiscard]] static result<std::unique_ptr<meta_store>> open(io::filesystem& fs, io::clock& clock,
                                                                 const std::string& data_dir);
    // Every record in log order.
    [[nodiscard]] result<std::vector<record>> load();
    // Appends records in one batch and fsyncs. A no-op for an empty list.
    [[nodiscard]] result<void> append(const std::vector<record>& records);
    [[nodiscard]] result<void> close() { return log_->close(); }

private:
    explicit meta_store(std::unique_ptr<storage::log> l) : log_(std::move(l)) {}
    std::unique_ptr<storage::log> log_;
};

// <data_dir>/meta/__eddy_meta
[[nodiscard]] std::string meta_log_directory(const std::string& data_dir);

}  // namespace eddy::coord
