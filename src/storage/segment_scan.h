// Sequential validation of the record batches in a segment file, used by recovery and index rebuilds.
// Internal to storage.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"
#include "storage/record_batch.h"

namespace eddy::storage {

struct scan_result {
    enum class stop {
        clean_end,   // the file ends exactly after the last valid batch
        incomplete,  // a header or batch runs past the end of the file: a torn write
        invalid,     // a batch fails validation (bad header, CRC, framing, offsets going backwards)
    };
    std::vector<std::pair<uint64_t, batch_header>> batches;  // (position, header) of each valid batch
    uint64_t end = 0;  // position just after the last valid batch
    stop why = stop::clean_end;
    // When the scan stopped early: does a valid batch (with a plausible base offset) start anywhere after
    // the stopping point? Then the damage is in the middle of the data, not a torn tail.
    bool valid_batch_follows = false;
    std::string detail;
};

// Scans [from, file_size) of f. Each batch's base offset must be >= min_base and > the previous batch's
// last offset; with `contiguous` (segments compaction never rewrote) exactly min_base for the first and
// the previous last + 1 after that, which also catches damage to baseOffset, the one field outside the CRC.
// Reads in large chunks.
[[nodiscard]] result<scan_result> scan_batches(io::file& f, uint64_t from, uint64_t file_size, offset min_base,
                                              bool contiguous = false);

// Reads exactly n bytes at pos; errc::corrupt_log when the file is shorter.
[[nodiscard]] result<byte_buffer> read_exact(io::file& f, uint64_t pos, size_t n);

}  // namespace eddy::storage
