// FUZZ_CHECK(cond) for the properties a fuzz target asserts: a failed one names itself (file, line and the
// condition) before aborting, so a finding says which property broke, not only that one did.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                 \
        }                                                                                 \
    } while (0)
