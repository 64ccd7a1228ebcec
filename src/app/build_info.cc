#include "app/build_info.h"

#include <boost/version.hpp>
#include <fmt/format.h>

#ifndef EDDY_VERSION
#define EDDY_VERSION "0.0.0"
#endif
#ifndef EDDY_GIT_COMMIT
#define EDDY_GIT_COMMIT "unknown"
#endif
#ifndef EDDY_BUILD_TYPE
#define EDDY_BUILD_TYPE "unknown"
#endif

namespace eddy::app {

const build_info& this_build() {
    static const build_info info{
        .version = EDDY_VERSION,
        .git_commit = EDDY_GIT_COMMIT,
        .build_type = EDDY_BUILD_TYPE,
#if defined(__clang__)
        .compiler = "clang " __clang_version__,
#elif defined(__GNUC__)
        .compiler = "g++ " __VERSION__,
#else
        .compiler = "unknown",
#endif
        .boost_version = fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100),
    };
    return info;
}

std::string version_text() {
    const auto& b = this_build();
    return fmt::format("eddy {}\ncommit: {}\nbuild: {}\ncompiler: {}\nboost: {}\n", b.version, b.git_commit,
                       b.build_type, b.compiler, b.boost_version);
}

}  // namespace eddy::app
