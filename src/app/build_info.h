// Version and build information of the eddy binary (`eddy version`, logs, /metrics later).
#pragma once

#include <string>
#include <string_view>

namespace eddy::app {

struct build_info {
    std::string_view version;     // project version, e.g. "0.1.0"
    std::string_view git_commit;  // short hash at configure time, or "unknown"
    std::string_view build_type;  // CMAKE_BUILD_TYPE
    std::string_view compiler;
    std::string boost_version;
};

[[nodiscard]] const build_info& this_build();
// The multi-line text `eddy version` prints.
[[nodiscard]] std::string version_text();

}  // namespace eddy::app
