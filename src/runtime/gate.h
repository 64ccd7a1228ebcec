// gate: tracks in-flight operations so a service can stop cleanly. Each operation holds a gate::holder
// while it runs; close() refuses new entries and waits until every holder is released.
//
// Shard-local: a gate and its holders are used only on the shard that owns the gate.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "base/result.h"
#include "runtime/wakeup.h"

namespace eddy::runtime {

class gate {
public:
    // Proof of being inside the gate; releasing it (destruction or release()) leaves.
    class holder {
    public:
        holder() = default;
        holder(holder&& o) noexcept : gate_(std::exchange(o.gate_, nullptr)) {}
        holder& operator=(holder&& o) noexcept {
            if (this != &o) {
                release();
                gate_ = std::exchange(o.gate_, nullptr);
            }
            return *this;
        }
        holder(const holder&) = delete;
        holder& operator=(const holder&) = delete;
        ~holder() { release(); }

        void release() {
            if (gate_ != nullptr) std::exchange(gate_, nullptr)->leave();
        }

    private:
        friend class gate;
        explicit holder(gate* g) : gate_(g) {}
        gate* gate_ = nullptr;
    };

    gate() = default;
    gate(const gate&) = delete;
    gate& operator=(const gate&) = delete;
    // REQUIRES: no holder outlives the gate.
    ~gate();

    // Enters the gate; fails with errc::gate_closed once close() has been called.
    [[nodiscard]] result<holder> enter();

    // Refuses new entries and returns when no holder is left. REQUIRES: called at most once.
    boost::asio::awaitable<void> close();

    [[nodiscard]] bool is_closed() const { return closed_; }
    [[nodiscard]] size_t in_flight() const { return count_; }

private:
    void leave();

    size_t count_ = 0;
    bool closed_ = false;
    std::optional<wakeup> drained_;  // exists while close() waits
};

}  // namespace eddy::runtime
