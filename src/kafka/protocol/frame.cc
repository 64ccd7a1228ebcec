#include "kafka/protocol/frame.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

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

mutable_bytes_view frame_splitter::prepare() {
    if (direct_) return mutable_bytes_view(*direct_).subspan(filled_);
    if (start_ == end_) start_ = end_ = 0;
    if (buf_.size() - end_ < read_chunk / 4 && start_ > 0) {
        // Move the partial frame to the front before growing.
        std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
    }
    if (buf_.size() - end_ < read_chunk / 4) buf_.resize(std::max(buf_.size() * 2, end_ + read_chunk));
    return mutable_bytes_view(buf_).subspan(end_);
}

void frame_splitter::commit(size_t n) {
    if (direct_) filled_ += n;
    else end_ += n;
}

void frame_splitter::append(bytes_view data) {
    while (!data.empty()) {
        auto room = prepare();
        size_t n = std::min(room.size(), data.size());
        std::memcpy(room.data(), data.data(), n);
        commit(n);
        data = data.subspan(n);
    }
}

result<std::optional<byte_buffer>> frame_splitter::next() {
    if (error_) return unexpected(*error_);
    if (direct_) {
        if (filled_ < direct_->size()) return std::optional<byte_buffer>();
        filled_ = 0;
        return std::exchange(direct_, std::nullopt);
    }
    auto f = split_frame(bytes_view(buf_).subspan(start_, end_ - start_), max_frame_size_);
    if (!f) {
        error_ = f.error();
        return unexpected(f.error());
    }
    if (!*f) {
        // Incomplete: a large frame whose size is known gets its own buffer, read into directly.
        const size_t have = end_ - start_;
        if (have >= frame_prefix_size) {
            const size_t size = static_cast<size_t>(load_be<int32_t>(buf_.data() + start_));
            if (size >= direct_min && size <= direct_max) {
                direct_.emplace(size);
                filled_ = have - frame_prefix_size;
                std::memcpy(direct_->data(), buf_.data() + start_ + frame_prefix_size, filled_);
                start_ = end_ = 0;
            }
        }
        return std::optional<byte_buffer>();
    }
    const bytes_view payload = (*f)->payload;
    start_ += (*f)->consumed;
    return std::optional<byte_buffer>(std::in_place, payload.begin(), payload.end());
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
