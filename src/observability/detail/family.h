// Internals of a metric family shared by the registry and the exposition writers. Not for modules:
// they use the handles in observability/metric_registry.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "observability/metric_registry.h"

namespace eddy::observability::detail {

enum class metric_kind { counter, gauge, histogram };

// A callback series. `mu` serializes calls of fn with unregistration: once alive is false under mu,
// fn is never called again.
struct callback_entry {
    std::mutex mu;
    std::function<double()> fn;
    bool alive = true;
    label_values values;
    std::string labels_text;
    std::weak_ptr<family> owner;
};

struct family {
    std::string name;
    std::string help;
    metric_kind kind = metric_kind::counter;
    bool callback = false;  // series come from callbacks, not handles
    std::vector<std::string> label_names;
    std::shared_ptr<const std::vector<double>> bounds;  // histograms only
    std::vector<std::string> le_text;                   // `le="<bound>"` per bound, then `le="+Inf"`
    std::shared_ptr<cell_arena> arena;
    uint32_t cells_per_series = 1;

    // Guards the two maps. Never held while a callback runs.
    mutable std::mutex mu;
    std::map<label_values, std::shared_ptr<series>> series_map;
    std::map<label_values, std::shared_ptr<callback_entry>> callback_map;

    [[nodiscard]] bool same_definition(const family& o) const {
        return name == o.name && help == o.help && kind == o.kind && callback == o.callback &&
               label_names == o.label_names && (bounds == nullptr) == (o.bounds == nullptr) &&
               (bounds == nullptr || *bounds == *o.bounds);
    }
};

// `a="x",b="y"` for the given names and values, with values escaped for the text format.
[[nodiscard]] std::string render_labels(const std::vector<std::string>& names, const label_values& values);

}  // namespace eddy::observability::detail
