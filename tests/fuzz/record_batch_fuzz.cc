// Fuzzes RecordBatch v2 validation and record parsing (storage/record_batch.h) and the decompression of
// batch payloads (bytes/compression.h). Half of the inputs get their CRC fixed up first, so the fuzzer
// reaches the record framing instead of stopping at the checksum. Differential: validate_batch must
// accept exactly what the plain reference of storage/tests/reference_framing.h accepts, and
// parse_records must read every uncompressed batch it accepts, and must fail cleanly on the unvalidated
// records inside a compressed batch.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "bytes/compression.h"
#include "storage/record_batch.h"
#include "storage/tests/reference_framing.h"

using namespace eddy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    bool fix_crc = (data[0] & 1) != 0;
    bytes batch(data + 1, data + size);
    if (fix_crc && batch.size() >= storage::batch_header_size) storage::update_crc(batch);
    for (auto mode : {storage::validation::producer, storage::validation::stored}) {
        auto h = storage::validate_batch(batch, mode, 1 << 20);
        if (h.has_value() != storage::testing::reference_accepts(batch, mode, 1 << 20)) std::abort();
        if (!h) continue;
        if (!h->is_compressed()) {
            auto records = storage::parse_records(bytes_view(batch).first(h->size_bytes()));
            if (!records || records->size() != static_cast<size_t>(h->records_count)) std::abort();
        } else if (auto codec = compression_from_attributes(h->attributes)) {
            bytes_view payload = bytes_view(batch).subspan(storage::batch_header_size,
                                                           h->size_bytes() - storage::batch_header_size);
            auto plain = decompress(*codec, payload, 1 << 20);
            if (!plain) continue;
            // As the REST Proxy's consumer reads a compressed batch (http/rest/records.cc): the records
            // inside were never validated, so parse_records must reject whatever they hold cleanly.
            bytes inner(batch.begin(), batch.begin() + storage::batch_header_size);
            inner.insert(inner.end(), plain->begin(), plain->end());
            store_be<int32_t>(inner.data() + 8, static_cast<int32_t>(inner.size() - storage::batch_log_overhead));
            (void)storage::parse_records(inner);
        }
    }
    return 0;
}
