#include "storage/index.h"

#include <algorithm>

namespace eddy::storage {

void encode(bytes& out, const offset_index_entry& e) {
    append_be<uint32_t>(out, e.relative_offset);
    append_be<uint32_t>(out, e.position);
}

void encode(bytes& out, const time_index_entry& e) {
    append_be<int64_t>(out, e.max_timestamp);
    append_be<uint32_t>(out, e.relative_offset);
    append_be<int64_t>(out, e.append_time);
}

std::optional<std::vector<offset_index_entry>> decode_offset_index(bytes_view data) {
    if (data.size() % offset_index_entry_size != 0) return std::nullopt;
    std::vector<offset_index_entry> out;
    out.reserve(data.size() / offset_index_entry_size);
    for (size_t i = 0; i < data.size(); i += offset_index_entry_size) {
        offset_index_entry e{load_be<uint32_t>(data.data() + i), load_be<uint32_t>(data.data() + i + 4)};
        if (out.empty() ? e.position != 0
                        : (e.relative_offset <= out.back().relative_offset || e.position <= out.back().position))
            return std::nullopt;
        out.push_back(e);
    }
    return out;
}

std::optional<std::vector<time_index_entry>> decode_time_index(bytes_view data) {
    if (data.size() % time_index_entry_size != 0) return std::nullopt;
    std::vector<time_index_entry> out;
    out.reserve(data.size() / time_index_entry_size);
    for (size_t i = 0; i < data.size(); i += time_index_entry_size) {
        const uint8_t* p = data.data() + i;
        time_index_entry e{load_be<int64_t>(p), load_be<uint32_t>(p + 8), load_be<int64_t>(p + 12)};
        if (!out.empty() && e.relative_offset <= out.back().relative_offset) return std::nullopt;
        out.push_back(e);
    }
    return out;
}

uint32_t lookup_position(std::span<const offset_index_entry> index, uint32_t rel) {
    auto it = std::upper_bound(index.begin(), index.end(), rel,
                               [](uint32_t r, const offset_index_entry& e) { return r < e.relative_offset; });
    if (it == index.begin()) return 0;
    return std::prev(it)->position;
}

std::optional<size_t> first_batch_at_or_after(std::span<const int64_t> prefix_max, int64_t t) {
    auto it = std::lower_bound(prefix_max.begin(), prefix_max.end(), t);
    if (it == prefix_max.end()) return std::nullopt;
    return static_cast<size_t>(it - prefix_max.begin());
}

std::optional<size_t> batch_holding(std::span<const time_index_entry> index, uint32_t rel) {
    auto it = std::upper_bound(index.begin(), index.end(), rel,
                               [](uint32_t r, const time_index_entry& e) { return r < e.relative_offset; });
    if (it == index.begin()) return std::nullopt;
    return static_cast<size_t>(std::prev(it) - index.begin());
}

}  // namespace eddy::storage
