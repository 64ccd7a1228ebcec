#include "io/clock.h"

namespace eddy::io {

timestamp_ms real_clock::now_ms() const {
    using namespace std::chrono;
    return timestamp_ms{duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count()};
}

clock::duration real_clock::monotonic() const { return std::chrono::steady_clock::now().time_since_epoch(); }

clock& system_clock() {
    static real_clock c;
    return c;
}

}  // namespace eddy::io
