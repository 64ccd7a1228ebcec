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

// Accumulates stream bytes and yields complete frame payloads in order, each in a buffer of its own.
// Reading into it (prepare/commit) copies nothing for large frames: once a frame's size is known and it is
// at least direct_min bytes (up to direct_max, so a bare size prefix cannot reserve much), the rest of the
// frame is read straight into the buffer that next() then hands over. Smaller frames are copied out of the
// shared read buffer, several per read.
class frame_splitter {
public:
    static constexpr size_t read_chunk = 64 * 1024;
    static constexpr size_t direct_min = 16 * 1024;
    static constexpr size_t direct_max = 8 * 1024 * 1024;

    explicit frame_splitter(size_t max_frame_size = default_max_frame_size) : max_frame_size_(max_frame_size) {}

    // Where the next read should put its bytes (never empty); then commit(n) with the count read.
    [[nodiscard]] mutable_bytes_view prepare();
    void commit(size_t n);
    // prepare + copy + commit, for callers that already hold the bytes.
    void append(bytes_view data);
    // The next complete payload, or nullopt until more bytes arrive. After an error the splitter stays
    // failed.
    [[nodiscard]] result<std::optional<byte_buffer>> next();
    // Bytes buffered but not yet returned as frames.
    [[nodiscard]] size_t buffered() const { return (end_ - start_) + (direct_ ? filled_ : 0); }

private:
    byte_buffer buf_;
    size_t start_ = 0;  // [start_, end_) of buf_ is received and not yet returned
    size_t end_ = 0;
    std::optional<byte_buffer> direct_;  // the frame being read in place; filled_ of its bytes are in
    size_t filled_ = 0;
    size_t max_frame_size_;
    std::optional<error> error_;
};

// Appends a 4-byte placeholder and returns its position; end_frame patches in the size of what followed.
[[nodiscard]] size_t begin_frame(bytes& out);
// REQUIRES: `at` came from begin_frame on the same buffer. `borrowed`: bytes of the frame sent from
// elsewhere (writer::borrow_records). Error if the frame exceeds int32.
[[nodiscard]] result<void> end_frame(bytes& out, size_t at, size_t borrowed = 0);

}  // namespace eddy::kafka::protocol
