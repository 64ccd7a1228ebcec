#include "observability/prometheus_text.h"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "observability/detail/family.h"

namespace eddy::observability {
namespace {

std::string_view type_name(const detail::family& f) {
    switch (f.kind) {
    case detail::metric_kind::counter: return "counter";
    case detail::metric_kind::gauge: return "gauge";
    case detail::metric_kind::histogram: return "histogram";
    }
    return "untyped";
}

void append_header(std::string& out, const detail::family& f) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    append_escaped_help(out, f.help);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f);
    out += '\n';
}

void append_u64(std::string& out, uint64_t v) {
    fmt::format_int s(v);
    out.append(s.data(), s.size());
}

// name[suffix]{labels[,extra]} -- braces only when there is at least one label.
void append_sample_name(std::string& out, const std::string& name, std::string_view suffix,
                        const std::string& labels, std::string_view extra = {}) {
    out += name;
    out += suffix;
    if (labels.empty() && extra.empty()) return;
    out += '{';
    out += labels;
    if (!labels.empty() && !extra.empty()) out += ',';
    out += extra;
    out += '}';
}

void append_histogram_series(std::string& out, const detail::family& f, const detail::series& s) {
    const auto nb = static_cast<uint32_t>(s.bounds().size());
    uint64_t counts[detail::cell_arena::max_range];
    s.sum_u64_range(0, std::span<uint64_t>(counts, nb + 1));
    uint64_t running = 0;
    for (uint32_t i = 0; i <= nb; ++i) {
        running += counts[i];
        append_sample_name(out, f.name, "_bucket", s.labels_text(), f.le_text[i]);
        out += ' ';
        append_u64(out, running);
        out += '\n';
    }
    append_sample_name(out, f.name, "_sum", s.labels_text());
    out += ' ';
    append_value(out, s.sum_f64(nb + 1));
    out += '\n';
    append_sample_name(out, f.name, "_count", s.labels_text());
    out += ' ';
    append_u64(out, running);
    out += '\n';
}

void append_instrumented(std::string& out, const detail::family& f) {
    std::lock_guard lock(f.mu);
    if (f.series_map.empty()) return;
    append_header(out, f);
    for (const auto& [values, s] : f.series_map) {
        switch (f.kind) {
        case detail::metric_kind::counter:
            append_sample_name(out, f.name, {}, s->labels_text());
            out += ' ';
            append_u64(out, s->sum_u64(0));
            out += '\n';
            break;
        case detail::metric_kind::gauge:
            append_sample_name(out, f.name, {}, s->labels_text());
            out += ' ';
            append_value(out, s->sum_f64(0));
            out += '\n';
            break;
        case detail::metric_kind::histogram: append_histogram_series(out, f, *s); break;
        }
    }
}

void append_callbacks(std::string& out, const detail::family& f) {
    std::vector<std::shared_ptr<detail::callback_entry>> entries;
    {
        std::lock_guard lock(f.mu);
        entries.reserve(f.callback_map.size());
        for (const auto& [values, e] : f.callback_map) entries.push_back(e);
    }
    std::vector<std::pair<const detail::callback_entry*, double>> samples;
    samples.reserve(entries.size());
    for (const auto& e : entries) {
        std::lock_guard lock(e->mu);
        if (e->alive) samples.emplace_back(e.get(), e->fn());
    }
    if (samples.empty()) return;
    append_header(out, f);
    for (const auto& [e, v] : samples) {
        append_sample_name(out, f.name, {}, e->labels_text);
        out += ' ';
        append_value(out, v);
        out += '\n';
    }
}

}  // namespace

void append_escaped_label_value(std::string& out, std::string_view v) {
    for (char c : v) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
}

void append_escaped_help(std::string& out, std::string_view v) {
    for (char c : v) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
}

void append_value(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else {
        char buf[32];
        char* end = fmt::format_to(buf, "{}", v);
        out.append(buf, end);
    }
}

std::string format_value(double v) {
    std::string out;
    append_value(out, v);
    return out;
}

void append_prometheus_text(const metric_registry& registry, std::string& out) {
    for (const auto& f : registry.families()) {
        if (f->callback) {
            append_callbacks(out, *f);
        } else {
            append_instrumented(out, *f);
        }
    }
}

std::string prometheus_text(const metric_registry& registry) {
    std::string out;
    append_prometheus_text(registry, out);
    return out;
}

}  // namespace eddy::observability
