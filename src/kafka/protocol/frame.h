// Framing of the Kafka byte stream: every request and response is an int32 big-endian size followed by
// that many bytes. The size is checked against a configurable maximum before anything is buffered for
// it, so a hostile prefix cannot make us allocate.
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.h"
#include "bytes/bytes.h"

namespace eddy::kafka::protocol {

inline constexpr size_t default_max_frame_size = 100 * 1024 * 1024;
inline constexpr size_t frame_prefix_size = 4;

struct frame {
    bytes_view payload;  // the bytes after the size prefix, borrowed from the input
    size_t consumed = 0;  // prefix + payload
};

// One complete frame at the start of `in`, or nullopt if more bytes are needed. A negative size or a
// size above max_frame_size is errc::malformed / errc::frame_too_large: the stream cannot be resynced.
[[nodiscard]] result<std::optional<frame>> split_frame(bytes_view in, size_t max_frame_size = default_max_frame_size);

// Accumulates stream bytes and yields complete frame payloads in order.
class frame_splitter {
public:
    explicit frame_splitter(size_t max_frame_size = default_max_frame_size) : max_frame_size_(max_frame_size) {}

    void append(bytes_view data);
    // The next complete payload, or nullopt until more bytes arrive. The view stays valid until the next
    // append() or next(). After an error the splitter stays failed.
    [[nodiscard]] result<std::optional<bytes_view>> next();
    // Bytes buffered but not yet returned as frames.
    [[nodiscard]] size_t buffered() const { return buf_.size() - start_; }

private:
    bytes buf_;
    size_t start_ = 0;  // invariant: start_ <= buf_.size(); bytes before start_ were returned already
    size_t max_frame_size_;
    std::optional<error> error_;
};

// Appends a 4-byte placeholder and returns its position; end_frame patches in the size of what followed.
[[nodiscard]] size_t begin_frame(bytes& out);
// REQUIRES: `at` came from begin_frame on the same buffer. `borrowed`: bytes of the frame sent from
// elsewhere (writer::borrow_records). Error if the frame exceeds int32.
[[nodiscard]] result<void> end_frame(bytes& out, size_t at, size_t borrowed = 0);

}  // namespace eddy::kafka::protocol
