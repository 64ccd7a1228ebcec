#include "coord/errc.h"

#include <string>

namespace eddy::coord {
namespace {

const char* describe(errc e) {
    switch (e) {
    case errc::none: return "success";
    case errc::unknown_topic_or_partition: return "unknown topic or partition";
    case errc::offset_metadata_too_large: return "offset commit metadata too large";
    case errc::coordinator_not_available: return "coordinator not available";
    case errc::invalid_topic: return "invalid topic name";
    case errc::illegal_generation: return "illegal generation";
    case errc::inconsistent_group_protocol: return "inconsistent group protocol";
    case errc::invalid_group_id: return "invalid group id";
    case errc::unknown_member_id: return "unknown member id";
    case errc::invalid_session_timeout: return "invalid session timeout";
    case errc::rebalance_in_progress: return "rebalance in progress";
    case errc::topic_already_exists: return "topic already exists";
    case errc::invalid_partitions: return "invalid number of partitions";
    case errc::invalid_replication_factor: return "invalid replication factor";
    case errc::invalid_config: return "invalid configuration";
    case errc::invalid_request: return "invalid request";
    case errc::out_of_order_sequence_number: return "out of order sequence number";
    case errc::duplicate_sequence_number: return "duplicate sequence number";
    case errc::invalid_producer_epoch: return "invalid producer epoch";
    case errc::unknown_producer_id: return "unknown producer id";
    case errc::non_empty_group: return "group is not empty";
    case errc::group_id_not_found: return "group id not found";
    case errc::member_id_required: return "member id required";
    case errc::group_max_size_reached: return "group max size reached";
    case errc::fenced_instance_id: return "fenced instance id";
    case errc::group_subscribed_to_topic: return "group is subscribed to topic";
    case errc::invalid_record: return "invalid record";
    case errc::corrupt_record: return "corrupt coordination record";
    case errc::unsupported_record_version: return "unsupported coordination record version";
    }
    return "unknown coord error";
}

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.coord"; }
    std::string message(int c) const override { return describe(static_cast<errc>(c)); }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::coord
