#include "kafka/protocol/frame.h"

#include <limits>

#include "base/assert.h"
#include "kafka/protocol/errc.h"

namespace eddy::kafka::protocol {

result<std::optional<frame>> split_frame(bytes_view in, size_t max_frame_size) {
    if (in.size() < frame_prefix_size) return std::optional<frame>();
    int32_t size = load_be<int32_t>(in.data());
    if (size < 0) return make_error(errc::malformed, "negative frame size {}", size);
    if (static_cast<size_t>(size) > max_frame_size)
        return make_error(errc::frame_too_large, "frame of {} bytes exceeds the maximum of {} bytes", size,
                          max_frame_size);
    if (in.size() - frame_prefix_size < static_cast<size_t>(size)) return std::optional<frame>();
    return std::optional<frame>(frame{in.subspan(frame_prefix_size, static_cast<size_t>(size)),
                                      frame_prefix_size + static_cast<size_t>(size)});
}

void frame_splitter::append(bytes_view data) {
    // Compact lazily: drop already-returned frames before growing.
    if (start_ > 0) {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    buf_.insert(buf_.end(), data.begin(), data.end());
}

result<std::optional<bytes_view>> frame_splitter::next() {
    if (error_) return unexpected(*error_);
    auto f = split_frame(bytes_view(buf_).subspan(start_), max_frame_size_);
    if (!f) {
        error_ = f.error();
        return unexpected(f.error());
    }
    if (!*f) return std::optional<bytes_view>();
    start_ += (*f)->consumed;
    return std::optional<bytes_view>((*f)->payload);
}

size_t begin_frame(bytes& out) {
    size_t at = out.size();
    append_be<int32_t>(out, 0);
    return at;
}

result<void> end_frame(bytes& out, size_t at, size_t borrowed) {
    EDDY_ASSERT(at + frame_prefix_size <= out.size());
    size_t size = out.size() - at - frame_prefix_size + borrowed;
    if (size > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        return make_error(errc::frame_too_large, "encoded frame of {} bytes", size);
    store_be<int32_t>(out.data() + at, static_cast<int32_t>(size));
    return {};
}

}  // namespace eddy::kafka::protocol
