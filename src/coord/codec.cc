#include "coord/codec.h"

#include "base/assert.h"

namespace eddy::coord {

record_writer& record_writer::str(std::string_view s) {
    EDDY_ASSERT(s.size() <= 0xffff, "string too long for a coord record");
    u16(static_cast<uint16_t>(s.size()));
    return raw(as_bytes(s));
}

record_writer& record_writer::nullable_str(const std::optional<std::string>& s) {
    if (!s) return i16(-1);
    EDDY_ASSERT(s->size() <= 0x7fff, "nullable string too long for a coord record");
    i16(static_cast<int16_t>(s->size()));
    return raw(as_bytes(*s));
}

record_writer& record_writer::blob(bytes_view b) {
    EDDY_ASSERT(b.size() <= 0xffffffffu);
    u32(static_cast<uint32_t>(b.size()));
    return raw(b);
}

bool record_reader::need(size_t n) {
    if (failed_ || in_.size() - pos_ < n) {
        failed_ = true;
        return false;
    }
    return true;
}

uint8_t record_reader::u8() {
    if (!need(1)) return 0;
    return in_[pos_++];
}

std::string record_reader::str() {
    size_t n = u16();
    if (!need(n)) return {};
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
}

std::optional<std::string> record_reader::nullable_str() {
    int16_t n = i16();
    if (failed_) return std::nullopt;
    if (n < 0) {
        if (n != -1) failed_ = true;
        return std::nullopt;
    }
    if (!need(static_cast<size_t>(n))) return std::nullopt;
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
}

bytes record_reader::blob() { return raw(u32()); }

bytes record_reader::raw(size_t n) {
    if (!need(n)) return {};
    bytes b(in_.begin() + static_cast<ptrdiff_t>(pos_), in_.begin() + static_cast<ptrdiff_t>(pos_ + n));
    pos_ += n;
    return b;
}

}  // namespace eddy::coord
