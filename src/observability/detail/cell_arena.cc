#include "observability/detail/cell_arena.h"

#include "base/assert.h"

namespace eddy::observability::detail {

cell_arena::cell_arena(uint32_t slots) : slots_(slots), chunks_(slots) { EDDY_ASSERT(slots > 0); }

uint32_t cell_arena::allocate(uint32_t n) {
    EDDY_ASSERT(n > 0 && n <= max_range);
    std::lock_guard lock(mu_);
    in_use_ += n;
    if (auto it = free_.find(n); it != free_.end() && !it->second.empty()) {
        uint32_t index = it->second.back();
        it->second.pop_back();
        for (uint32_t s = 0; s < slots_; ++s) {
            cell* c = &chunks_[s][index / chunk_cells]->cells[index % chunk_cells];
            for (uint32_t i = 0; i < n; ++i) c[i].store(0, std::memory_order_relaxed);
        }
        return index;
    }
    // Skip the tail of the current chunk when the range would not fit in it.
    if (next_ % chunk_cells + n > chunk_cells) next_ += chunk_cells - next_ % chunk_cells;
    uint32_t index = next_;
    next_ += n;
    if (chunks_[0].size() <= index / chunk_cells) {
        for (auto& slot_chunks : chunks_) slot_chunks.push_back(std::make_unique<chunk>());
    }
    return index;
}

void cell_arena::release(uint32_t index, uint32_t n) {
    std::lock_guard lock(mu_);
    in_use_ -= n;
    free_[n].push_back(index);
}

cell* cell_arena::at(uint32_t slot, uint32_t index) {
    std::lock_guard lock(mu_);
    EDDY_ASSERT(slot < slots_ && index < next_);
    return &chunks_[slot][index / chunk_cells]->cells[index % chunk_cells];
}

uint64_t cell_arena::cells_in_use() const {
    std::lock_guard lock(mu_);
    return in_use_;
}

}  // namespace eddy::observability::detail
