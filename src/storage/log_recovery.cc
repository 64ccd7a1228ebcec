#include "storage/log_recovery.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "base/log.h"
#include "storage/segment.h"

namespace eddy::storage {
namespace {

inline constexpr eddy::log::logger recovery_log{"storage"};

// "<20 digits><rest>" -> (base, rest)
std::optional<std::pair<offset, std::string_view>> split_name(std::string_view name) {
    if (name.size() < 21) return std::nullopt;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + 20, v);
    if (ec != std::errc{} || p != name.data() + 20) return std::nullopt;
    return std::make_pair(offset{v}, name.substr(20));
}

}  // namespace

result<void> complete_swap(io::filesystem& fs, const std::string& dir, offset base) {
    for (auto ext : {".index", ".timeindex", ".log"}) {
        auto final_path = io::join_path(dir, segment_file_name(base, ext));
        auto swap_path = final_path + ".swap";
        EDDY_TRY_ASSIGN(bool present, fs.exists(swap_path));
        if (present) EDDY_TRY(fs.rename(swap_path, final_path));
    }
    return fs.sync_directory(dir);
}

result<void> finish_interrupted_swaps(io::filesystem& fs, const std::string& dir) {
    EDDY_TRY_ASSIGN(auto names, fs.list(dir));
    for (auto& n : names) {
        auto parts = split_name(n);
        if (parts && parts->second == ".log.swap") {
            recovery_log.info("{}: completing compaction swap of segment {}", dir, parts->first);
            EDDY_TRY(complete_swap(fs, dir, parts->first));
        }
    }
    return {};
}

result<std::vector<offset>> clean_directory(io::filesystem& fs, const std::string& dir) {
    EDDY_TRY_ASSIGN(auto names, fs.list(dir));
    std::set<offset> logs;
    for (auto& n : names)
        if (auto b = parse_segment_file_name(n)) logs.insert(*b);
    bool removed = false;
    for (auto& n : names) {
        auto parts = split_name(n);
        bool junk = n == "log_start_offset.tmp";
        if (parts) {
            auto rest = parts->second;
            junk = junk || rest.ends_with(".cleaned") || rest.ends_with(".swap") || rest.ends_with(rolling_suffix) ||
                   ((rest == ".index" || rest == ".timeindex") && !logs.contains(parts->first));
        }
        if (junk) {
            recovery_log.info("{}: removing leftover {}", dir, n);
            EDDY_TRY(fs.remove(io::join_path(dir, n)));
            removed = true;
        }
    }
    if (removed) EDDY_TRY(fs.sync_directory(dir));
    return std::vector<offset>(logs.begin(), logs.end());
}

}  // namespace eddy::storage
