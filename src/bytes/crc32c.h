// CRC-32C (Castagnoli), the checksum of Kafka RecordBatch v2. Uses carry-less multiplication (AVX-512
// VPCLMULQDQ) for inputs of 256 bytes and more and the SSE4.2 crc32 instruction otherwise, when the CPU
// has them (checked once at start-up), a table-driven fallback otherwise.
#pragma once

#include <cstdint>

#include "bytes/bytes.h"

namespace eddy::crc32c {

// Extends a running CRC (start with 0) over data. crc32c::extend(0, "123456789") == 0xE3069283.
[[nodiscard]] uint32_t extend(uint32_t crc, bytes_view data);
[[nodiscard]] inline uint32_t value(bytes_view data) { return extend(0, data); }

// The software implementation, exposed so tests can compare it with the hardware one.
[[nodiscard]] uint32_t extend_portable(uint32_t crc, bytes_view data);
[[nodiscard]] bool hardware_available();

}  // namespace eddy::crc32c
