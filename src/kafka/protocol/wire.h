// Bounds-checked primitives of the Kafka wire format: `reader` decodes from a borrowed byte range and
// never reads past it; `writer` appends to an owned buffer. Generated message codecs are written in
// terms of these two classes only.
//
// Encodings (Kafka protocol guide, KIP-482 for the compact forms):
//   intN          big-endian two's complement; float64 is big-endian IEEE 754
//   string        int16 length + UTF-8 (-1 = null);   compact: uvarint(len+1), 0 = null
//   bytes         int32 length + data  (-1 = null);   compact: uvarint(len+1), 0 = null
//   array         int32 count + items  (-1 = null);   compact: uvarint(count+1), 0 = null
//   tagged fields uvarint count, then per field uvarint tag, uvarint size, size bytes
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bytes/bytes.h"
#include "kafka/protocol/errc.h"

namespace eddy::kafka::protocol {

using uuid = std::array<uint8_t, 16>;

// Records bytes that stay in a file until the response is written (a Fetch served with sendfile): `size`
// bytes at `pos` of the open file descriptor `fd`, which the sender keeps open.
struct file_records {
    int fd = -1;
    uint64_t pos = 0;
    uint64_t size = 0;
    bool operator==(const file_records&) const = default;
};

// RecordBatch bytes, kept opaque and borrowed: a decoded records field points into the frame it was
// decoded from, so that frame must outlive the message. std::nullopt is the wire null. An encoded one
// may instead name a file stretch (`file`, with the optional engaged and empty), which the writer
// always borrows (writer::borrow_records); only the connection reads it, when it sends the frame.
struct records_view : std::optional<bytes_view> {
    using std::optional<bytes_view>::optional;
    using std::optional<bytes_view>::operator=;
    std::optional<file_records> file;
    // Bytes on the wire (0 for null).
    [[nodiscard]] uint64_t wire_size() const { return file ? file->size : has_value() ? (*this)->size() : 0; }
};

class reader {
public:
    explicit reader(bytes_view in) : in_(in) {}

    [[nodiscard]] size_t position() const { return pos_; }
    [[nodiscard]] size_t remaining() const { return in_.size() - pos_; }
    [[nodiscard]] bool empty() const { return pos_ == in_.size(); }

    [[nodiscard]] result<int8_t> read_int8() { return read_fixed<int8_t>(); }
    [[nodiscard]] result<int16_t> read_int16() { return read_fixed<int16_t>(); }
    [[nodiscard]] result<int32_t> read_int32() { return read_fixed<int32_t>(); }
    [[nodiscard]] result<int64_t> read_int64() { return read_fixed<int64_t>(); }
    [[nodiscard]] result<uint16_t> read_uint16() { return read_fixed<uint16_t>(); }
    [[nodiscard]] result<double> read_float64();
    [[nodiscard]] result<bool> read_bool();
    [[nodiscard]] result<uuid> read_uuid();
    // Unsigned LEB128 that must fit in 32 bits.
    [[nodiscard]] result<uint32_t> read_uvarint();
    [[nodiscard]] result<bytes_view> read_raw(size_t n);

    // A null is an errc::null_not_allowed error.
    [[nodiscard]] result<std::string> read_string(bool flexible);
    [[nodiscard]] result<bytes> read_bytes(bool flexible);
    // `nullable`: whether the field may be null in this version; a null otherwise is an error.
    [[nodiscard]] result<std::optional<std::string>> read_nullable_string(bool flexible, bool nullable);
    [[nodiscard]] result<std::optional<bytes>> read_nullable_bytes(bool flexible, bool nullable);
    [[nodiscard]] result<records_view> read_records(bool flexible);
    // Element count of an array, -1 for null. A count above remaining() is rejected as malformed (every
    // element takes at least one byte), so a hostile count cannot make the caller allocate.
    [[nodiscard]] result<int32_t> read_array_length(bool flexible, bool nullable);

    // Reads a tagged-field section. For each field, calls on_field(tag, field_reader) which returns
    // result<bool>: true if it decoded a known tag (which must then consume all of field_reader), false
    // to skip an unknown one.
    template <typename F>
    [[nodiscard]] result<void> read_tagged_fields(F&& on_field);

private:
    template <typename T>
    [[nodiscard]] result<T> read_fixed() {
        if (remaining() < sizeof(T)) return truncated(sizeof(T));
        T v = load_be<T>(in_.data() + pos_);
        pos_ += sizeof(T);
        return v;
    }
    [[nodiscard]] unexpected truncated(size_t wanted) const;
    // Reads a length (int16/int32 or compact) where -1 means null; validates it against remaining().
    [[nodiscard]] result<int64_t> read_length(bool flexible, bool wide);

    bytes_view in_;
    size_t pos_ = 0;
};

// Bytes of an encoded message that stay outside the writer's buffer: `data` belongs right after the first
// `at` bytes of the buffer. Pieces are in increasing `at` order (see writer::borrow_records).
struct borrowed_piece {
    size_t at = 0;
    bytes_view data;
    std::optional<file_records> file;  // instead of data: bytes of a file (records_view::file)
    [[nodiscard]] uint64_t size() const { return file ? file->size : data.size(); }
};

// Appends encodings to a buffer. Encoding cannot fail on the wire level, but a value can be
// unencodable (a null in a non-nullable version, a string over 32767 bytes): the writer then records the
// first such error and keeps going; callers check finish().
class writer {
public:
    explicit writer(bytes& out) : out_(out) {}

    // From now on a records field of at least min_size bytes is not copied: write_records writes its
    // length and adds a piece to `pieces`, so a large Fetch response can be sent with scatter/gather
    // straight from the buffers its records were read into. REQUIRES: those bytes outlive the send.
    // Records naming a file are always borrowed; without borrowing they cannot be encoded (an error).
    void borrow_records(std::vector<borrowed_piece>* pieces, size_t min_size) {
        pieces_ = pieces;
        borrow_min_ = min_size;
    }

    void write_int8(int8_t v) { append_be(out_, v); }
    void write_int16(int16_t v) { append_be(out_, v); }
    void write_int32(int32_t v) { append_be(out_, v); }
    void write_int64(int64_t v) { append_be(out_, v); }
    void write_uint16(uint16_t v) { append_be(out_, v); }
    void write_float64(double v);
    void write_bool(bool v) { out_.push_back(v ? 1 : 0); }
    void write_uuid(const uuid& v);
    void write_uvarint(uint32_t v);
    void write_raw(bytes_view v);

    void write_string(std::string_view s, bool flexible);
    void write_string(const std::optional<std::string>& s, bool flexible, bool nullable);
    void write_bytes(bytes_view b, bool flexible);
    void write_bytes(const std::optional<bytes>& b, bool flexible, bool nullable);
    void write_records(const records_view& r, bool flexible);
    void write_array_length(size_t n, bool flexible);
    void write_null_array(bool flexible, bool nullable);
    // One tagged field whose value was encoded into `value` by a nested writer.
    void write_tagged_field(uint32_t tag, writer& value);

    // Records an encoding error (the first one wins).
    void fail(error e);
    [[nodiscard]] result<void> finish() const;
    // Bytes encoded so far, borrowed pieces included.
    [[nodiscard]] size_t size() const { return out_.size() + borrowed_; }

private:
    void write_length(size_t n, bool flexible, bool wide, std::string_view what);

    bytes& out_;
    std::optional<error> error_;
    std::vector<borrowed_piece>* pieces_ = nullptr;
    size_t borrow_min_ = 0;
    size_t borrowed_ = 0;
};

template <typename F>
result<void> reader::read_tagged_fields(F&& on_field) {
    EDDY_TRY_ASSIGN(uint32_t count, read_uvarint());
    for (uint32_t i = 0; i < count; ++i) {
        EDDY_TRY_ASSIGN(uint32_t tag, read_uvarint());
        EDDY_TRY_ASSIGN(uint32_t size, read_uvarint());
        EDDY_TRY_ASSIGN(bytes_view body, read_raw(size));
        reader field(body);
        EDDY_TRY_ASSIGN(bool known, on_field(tag, field));
        if (known && !field.empty())
            return make_error(errc::malformed, "tagged field {} has {} unread bytes", tag, field.remaining());
    }
    return {};
}

}  // namespace eddy::kafka::protocol
