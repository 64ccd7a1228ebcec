#include "storage/log_config.h"

#include <charconv>

#include "storage/errc.h"

namespace eddy::storage {

result<flush_policy> flush_policy::parse(std::string_view s) {
    if (s == "always") return flush_policy{};
    if (s == "never") return flush_policy{kind::never, {}};
    constexpr std::string_view prefix = "interval:";
    if (s.starts_with(prefix)) {
        auto num = s.substr(prefix.size());
        int64_t ms = 0;
        auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), ms);
        if (ec == std::errc{} && p == num.data() + num.size() && ms > 0)
            return flush_policy{kind::interval, std::chrono::milliseconds(ms)};
    }
    return make_error(errc::invalid_config, "flush policy '{}' (want always|never|interval:<ms>)", s);
}

std::string flush_policy::to_string() const {
    switch (mode) {
    case kind::always: return "always";
    case kind::never: return "never";
    case kind::interval: return fmt::format("interval:{}", interval.count());
    }
    return "?";
}

result<void> log_config::validate() const {
    // Index positions are 32-bit, and a segment must hold at least one maximal batch.
    if (segment_bytes < 1024 || segment_bytes > (1ull << 31))
        return make_error(errc::invalid_config, "segment_bytes {} not in [1024, 2^31]", segment_bytes);
    if (segment_ms <= 0) return make_error(errc::invalid_config, "segment_ms {} must be > 0", segment_ms);
    if (retention_bytes < -1) return make_error(errc::invalid_config, "retention_bytes {}", retention_bytes);
    if (retention_ms < -1) return make_error(errc::invalid_config, "retention_ms {}", retention_ms);
    if (delete_retention_ms < 0) return make_error(errc::invalid_config, "delete_retention_ms {}", delete_retention_ms);
    if (max_message_bytes < 61 || max_message_bytes > (1ull << 30))
        return make_error(errc::invalid_config, "max_message_bytes {}", max_message_bytes);
    if (index_interval_bytes == 0) return make_error(errc::invalid_config, "index_interval_bytes must be > 0");
    if (flush.mode == flush_policy::kind::interval && flush.interval.count() <= 0)
        return make_error(errc::invalid_config, "flush interval must be > 0");
    return {};
}

}  // namespace eddy::storage
