// Big-endian field writer/reader for the coordination records (record.h). Strings carry a u16 length,
// nullable strings an i16 length (-1 = null), byte blobs a u32 length. The reader never reads past its
// input; a failed read latches failed() and yields empty values, so a decoder checks once at the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bytes/bytes.h"

namespace eddy::coord {

class record_writer {
public:
    record_writer& u8(uint8_t v) { out_.push_back(v); return *this; }
    record_writer& u16(uint16_t v) { append_be(out_, v); return *this; }
    record_writer& i16(int16_t v) { append_be(out_, v); return *this; }
    record_writer& i32(int32_t v) { append_be(out_, v); return *this; }
    record_writer& u32(uint32_t v) { append_be(out_, v); return *this; }
    record_writer& i64(int64_t v) { append_be(out_, v); return *this; }
    // REQUIRES: s.size() <= 65535.
    record_writer& str(std::string_view s);
    // REQUIRES: s->size() <= 32767.
    record_writer& nullable_str(const std::optional<std::string>& s);
    record_writer& blob(bytes_view b);
    record_writer& raw(bytes_view b) { out_.insert(out_.end(), b.begin(), b.end()); return *this; }

    [[nodiscard]] bytes take() { return std::move(out_); }

private:
    bytes out_;
};

class record_reader {
public:
    explicit record_reader(bytes_view in) : in_(in) {}

    [[nodiscard]] uint8_t u8();
    [[nodiscard]] uint16_t u16() { return fixed<uint16_t>(); }
    [[nodiscard]] int16_t i16() { return fixed<int16_t>(); }
    [[nodiscard]] int32_t i32() { return fixed<int32_t>(); }
    [[nodiscard]] uint32_t u32() { return fixed<uint32_t>(); }
    [[nodiscard]] int64_t i64() { return fixed<int64_t>(); }
    [[nodiscard]] std::string str();
    [[nodiscard]] std::optional<std::string> nullable_str();
    [[nodiscard]] bytes blob();
    // Reads exactly n raw bytes.
    [[nodiscard]] bytes raw(size_t n);

    [[nodiscard]] bool failed() const { return failed_; }
    [[nodiscard]] bool at_end() const { return pos_ == in_.size(); }
    // True when every read succeeded and the whole input was consumed.
    [[nodiscard]] bool ok_and_done() const { return !failed_ && at_end(); }

private:
    template <typename T>
    T fixed() {
        if (!need(sizeof(T))) return T{};
        T v = load_be<T>(in_.data() + pos_);
        pos_ += sizeof(T);
        return v;
    }
    bool need(size_t n);

    bytes_view in_;
    size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace eddy::coord
