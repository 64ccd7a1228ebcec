#include "observability/detail/cell_arena.h"

#include <algorithm>
#include <new>

#include "base/assert.h"

namespace eddy::observability::detail {

cell_arena::cell_block::cell_block(uint32_t n)
    : cells(static_cast<cell*>(::operator new[](n * sizeof(cell), std::align_val_t{64}))) {
    static_assert(std::is_trivially_destructible_v<cell>);
    for (uint32_t i = 0; i < n; ++i) new (cells.get() + i) cell(0);
}

cell_arena::cell_arena(uint32_t slots) : slots_(slots) { EDDY_ASSERT(slots > 0); }

uint32_t cell_arena::allocate(uint32_t n) {
    EDDY_ASSERT(n > 0 && n <= max_range);
    std::lock_guard lock(mu_);
    in_use_ += n;
    if (auto it = free_.find(n); it != free_.end() && !it->second.empty()) {
        uint32_t index = it->second.back();
        it->second.pop_back();
        for (uint32_t s = 0; s < slots_; ++s) {
            cell* c = locked_at(s, index);
            for (uint32_t i = 0; i < n; ++i) c[i].store(0, std::memory_order_relaxed);
        }
        return index;
    }
    if (chunks_.empty() || next_ + n > chunks_.back().start + chunks_.back().size) {
        // Start a new chunk; the tail of the previous one stays unused.
        chunk c;
        c.start = chunks_.empty() ? 0 : chunks_.back().start + chunks_.back().size;
        c.size = chunks_.empty() ? first_chunk_cells : std::min(chunks_.back().size * 2, max_chunk_cells);
        c.per_slot.reserve(slots_);
        for (uint32_t s = 0; s < slots_; ++s) c.per_slot.emplace_back(c.size);
        next_ = c.start;
        chunks_.push_back(std::move(c));
    }
    uint32_t index = next_;
    next_ += n;
    return index;
}

void cell_arena::release(uint32_t index, uint32_t n) {
    std::lock_guard lock(mu_);
    in_use_ -= n;
    free_[n].push_back(index);
}

cell* cell_arena::at(uint32_t slot, uint32_t index) {
    std::lock_guard lock(mu_);
    return locked_at(slot, index);
}

cell* cell_arena::locked_at(uint32_t slot, uint32_t index) {
    EDDY_ASSERT(slot < slots_ && index < next_);
    auto it = std::upper_bound(chunks_.begin(), chunks_.end(), index,
                               [](uint32_t i, const chunk& c) { return i < c.start; });
    const chunk& c = *std::prev(it);
    return c.per_slot[slot].cells.get() + (index - c.start);
}

uint64_t cell_arena::cells_in_use() const {
    std::lock_guard lock(mu_);
    return in_use_;
}

}  // namespace eddy::observability::detail
