#include "runtime/gate.h"

#include <boost/asio/this_coro.hpp>

#include "base/assert.h"
#include "runtime/errc.h"

namespace eddy::runtime {

gate::~gate() { EDDY_ASSERT(count_ == 0, "gate destroyed with holders still inside"); }

result<gate::holder> gate::enter() {
    if (closed_) return make_error(errc::gate_closed);
    ++count_;
    return holder(this);
}

void gate::leave() {
    EDDY_ASSERT(count_ > 0);
    if (--count_ == 0 && drained_) drained_->notify();
}

boost::asio::awaitable<void> gate::close() {
    EDDY_ASSERT(!closed_, "gate closed twice");
    closed_ = true;
    if (count_ == 0) co_return;
    drained_.emplace(co_await boost::asio::this_coro::executor);
    co_await drained_->wait();
    drained_.reset();
}

}  // namespace eddy::runtime
