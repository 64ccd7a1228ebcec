#include "kafka/protocol/wire.h"

#include <bit>
#include <cstring>
#include <limits>

#include "bytes/varint.h"

namespace eddy::kafka::protocol {

unexpected reader::truncated(size_t wanted) const {
    return make_error(errc::truncated, "need {} bytes at offset {}, have {}", wanted, pos_, remaining());
}

result<double> reader::read_float64() {
    EDDY_TRY_ASSIGN(int64_t bits, read_int64());
    return std::bit_cast<double>(bits);
}

result<bool> reader::read_bool() {
    EDDY_TRY_ASSIGN(int8_t v, read_int8());
    return v != 0;
}

result<uuid> reader::read_uuid() {
    EDDY_TRY_ASSIGN(bytes_view raw, read_raw(16));
    uuid u;
    std::copy(raw.begin(), raw.end(), u.begin());
    return u;
}

result<uint32_t> reader::read_uvarint() {
    auto d = varint::decode_unsigned(in_.subspan(pos_), varint::max_len32);
    if (!d) {
        // Shorter than a full varint and still failing: every byte had the continuation bit.
        if (remaining() < varint::max_len32) return truncated(remaining() + 1);
        return make_error(errc::malformed, "bad unsigned varint at offset {}", pos_);
    }
    pos_ += d->length;
    return static_cast<uint32_t>(d->value);
}

result<bytes_view> reader::read_raw(size_t n) {
    if (remaining() < n) return truncated(n);
    bytes_view v = in_.subspan(pos_, n);
    pos_ += n;
    return v;
}

result<int64_t> reader::read_length(bool flexible, bool wide) {
    size_t at = pos_;
    int64_t n;
    if (flexible) {
        EDDY_TRY_ASSIGN(uint32_t raw, read_uvarint());
        n = static_cast<int64_t>(raw) - 1;
    } else if (wide) {
        EDDY_TRY_ASSIGN(n, read_int32());
    } else {
        EDDY_TRY_ASSIGN(n, read_int16());
    }
    if (n < -1) return make_error(errc::malformed, "negative length {} at offset {}", n, at);
    if (n > static_cast<int64_t>(remaining())) return truncated(static_cast<size_t>(n));
    return n;
}

result<std::string> reader::read_string(bool flexible) {
    size_t at = pos_;
    EDDY_TRY_ASSIGN(int64_t n, read_length(flexible, false));
    if (n < 0) return make_error(errc::null_not_allowed, "null string at offset {}", at);
    EDDY_TRY_ASSIGN(bytes_view raw, read_raw(static_cast<size_t>(n)));
    return std::string(as_string_view(raw));
}

result<std::optional<std::string>> reader::read_nullable_string(bool flexible, bool nullable) {
    size_t at = pos_;
    EDDY_TRY_ASSIGN(int64_t n, read_length(flexible, false));
    if (n < 0) {
        if (!nullable) return make_error(errc::null_not_allowed, "null string at offset {}", at);
        return std::optional<std::string>();
    }
    EDDY_TRY_ASSIGN(bytes_view raw, read_raw(static_cast<size_t>(n)));
    return std::optional<std::string>(std::in_place, as_string_view(raw));
}

result<bytes> reader::read_bytes(bool flexible) {
    size_t at = pos_;
    EDDY_TRY_ASSIGN(int64_t n, read_length(flexible, true));
    if (n < 0) return make_error(errc::null_not_allowed, "null bytes at offset {}", at);
    EDDY_TRY_ASSIGN(bytes_view raw, read_raw(static_cast<size_t>(n)));
    return bytes(raw.begin(), raw.end());
}

result<std::optional<bytes>> reader::read_nullable_bytes(bool flexible, bool nullable) {
    size_t at = pos_;
    EDDY_TRY_ASSIGN(int64_t n, read_length(flexible, true));
    if (n < 0) {
        if (!nullable) return make_error(errc::null_not_allowed, "null bytes at offset {}", at);
        return std::optional<bytes>();
    }
    EDDY_TRY_ASSIGN(bytes_view raw, read_raw(static_cast<size_t>(n)));
    return std::optional<bytes>(std::in_place, raw.begin(), raw.end());
}

result<records_view> reader::read_records(bool flexible) {
    EDDY_TRY_ASSIGN(int64_t n, read_length(flexible, true));
    if (n < 0) return records_view();
    EDDY_TRY_ASSIGN(bytes_view raw, read_raw(static_cast<size_t>(n)));
    return records_view(raw);
}

result<int32_t> reader::read_array_length(bool flexible, bool nullable) {
    size_t at = pos_;
    EDDY_TRY_ASSIGN(int64_t n, read_length(flexible, true));
    if (n < 0 && !nullable) return make_error(errc::null_not_allowed, "null array at offset {}", at);
    return static_cast<int32_t>(n);
}

void writer::write_float64(double v) { write_int64(std::bit_cast<int64_t>(v)); }

void writer::write_uuid(const uuid& v) { write_raw(bytes_view(v)); }

void writer::write_raw(bytes_view v) {
    if (v.empty()) return;
    size_t at = out_.size();
    out_.resize(at + v.size());
    std::memcpy(out_.data() + at, v.data(), v.size());
}

void writer::write_uvarint(uint32_t v) { varint::encode_unsigned(out_, v); }

void writer::write_length(size_t n, bool flexible, bool wide, std::string_view what) {
    size_t limit = wide || flexible ? static_cast<size_t>(std::numeric_limits<int32_t>::max() - 1)
                                    : static_cast<size_t>(std::numeric_limits<int16_t>::max());
    if (n > limit) {
        fail(error{make_error_code(errc::value_too_large), fmt::format("{} of length {}", what, n)});
        n = 0;
    }
    if (flexible) write_uvarint(static_cast<uint32_t>(n + 1));
    else if (wide) write_int32(static_cast<int32_t>(n));
    else write_int16(static_cast<int16_t>(n));
}

void writer::write_string(std::string_view s, bool flexible) {
    write_length(s.size(), flexible, false, "string");
    write_raw(as_bytes(s));
}

void writer::write_string(const std::optional<std::string>& s, bool flexible, bool nullable) {
    if (s) return write_string(*s, flexible);
    if (!nullable) fail(error{make_error_code(errc::null_not_allowed), "string"});
    if (flexible) write_uvarint(0);
    else write_int16(-1);
}

void writer::write_bytes(bytes_view b, bool flexible) {
    write_length(b.size(), flexible, true, "bytes");
    write_raw(b);
}

void writer::write_bytes(const std::optional<bytes>& b, bool flexible, bool nullable) {
    if (b) return write_bytes(*b, flexible);
    if (!nullable) fail(error{make_error_code(errc::null_not_allowed), "bytes"});
    if (flexible) write_uvarint(0);
    else write_int32(-1);
}

void writer::write_records(const records_view& r, bool flexible) {
    if (r.file) {
        if (pieces_ == nullptr) return fail(error{make_error_code(errc::malformed), "file records without borrowing"});
        write_length(static_cast<size_t>(r.file->size), flexible, true, "bytes");
        pieces_->push_back(borrowed_piece{out_.size(), {}, r.file});
        borrowed_ += static_cast<size_t>(r.file->size);
        return;
    }
    if (r && pieces_ != nullptr && r->size() >= borrow_min_) {
        write_length(r->size(), flexible, true, "bytes");
        pieces_->push_back(borrowed_piece{out_.size(), *r});
        borrowed_ += r->size();
        return;
    }
    if (r) return write_bytes(*r, flexible);
    if (flexible) write_uvarint(0);
    else write_int32(-1);
}

void writer::write_array_length(size_t n, bool flexible) { write_length(n, flexible, true, "array"); }

void writer::write_null_array(bool flexible, bool nullable) {
    if (!nullable) fail(error{make_error_code(errc::null_not_allowed), "array"});
    if (flexible) write_uvarint(0);
    else write_int32(-1);
}

void writer::write_tagged_field(uint32_t tag, writer& value) {
    if (value.error_) fail(*value.error_);
    size_t n = value.out_.size();
    if (n > std::numeric_limits<uint32_t>::max()) {
        fail(error{make_error_code(errc::value_too_large), fmt::format("tagged field {} of {} bytes", tag, n)});
        return;
    }
    write_uvarint(tag);
    write_uvarint(static_cast<uint32_t>(n));
    write_raw(value.out_);
}

void writer::fail(error e) {
    if (!error_) error_ = std::move(e);
}

result<void> writer::finish() const {
    if (error_) return unexpected(*error_);
    return {};
}

}  // namespace eddy::kafka::protocol
