#include "observability/metric_registry.h"

#include <algorithm>
#include <cmath>

#include "base/assert.h"
#include "observability/detail/family.h"
#include "observability/errc.h"
#include "observability/prometheus_text.h"

#include <map>
#include <mutex>

namespace eddy::observability {
namespace detail {

series::series(std::shared_ptr<cell_arena> arena, uint32_t cells, label_values values, std::string labels_text,
               std::shared_ptr<const std::vector<double>> bounds)
    : shards_(arena->slots() - 1),
      bases_(std::make_unique<cell*[]>(arena->slots())),
      arena_(std::move(arena)),
      index_(arena_->allocate(cells)),
      cells_(cells),
      values_(std::move(values)),
      labels_text_(std::move(labels_text)),
      bounds_(std::move(bounds)) {
    for (uint32_t s = 0; s <= shards_; ++s) bases_[s] = arena_->at(s, index_);
    if (bounds_) bounds_span_ = *bounds_;
}

series::~series() { arena_->release(index_, cells_); }

uint64_t series::sum_u64(uint32_t i) const {
    uint64_t total = 0;
    for (uint32_t s = 0; s <= shards_; ++s) total += bases_[s][i].load(std::memory_order_relaxed);
    return total;
}

double series::sum_f64(uint32_t i) const {
    double total = 0;
    for (uint32_t s = 0; s <= shards_; ++s) {
        total += std::bit_cast<double>(bases_[s][i].load(std::memory_order_relaxed));
    }
    return total;
}

void series::sum_u64_range(uint32_t first, std::span<uint64_t> out) const {
    std::fill(out.begin(), out.end(), 0);
    for (uint32_t s = 0; s <= shards_; ++s) {
        const cell* c = bases_[s] + first;
        for (size_t k = 0; k < out.size(); ++k) out[k] += c[k].load(std::memory_order_relaxed);
    }
}

std::string render_labels(const std::vector<std::string>& names, const label_values& values) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += ',';
        out += names[i];
        out += "=\"";
        append_escaped_label_value(out, values[i]);
        out += '"';
    }
    return out;
}

}  // namespace detail

uint64_t histogram::count() const {
    uint64_t total = 0;
    for (uint32_t i = 0; i <= s_->bounds().size(); ++i) total += s_->sum_u64(i);
    return total;
}

double histogram::sum() const { return s_->sum_f64(static_cast<uint32_t>(s_->bounds().size()) + 1); }

std::vector<uint64_t> histogram::cumulative_counts() const {
    std::vector<uint64_t> out;
    uint64_t running = 0;
    for (uint32_t i = 0; i <= s_->bounds().size(); ++i) {
        running += s_->sum_u64(i);
        out.push_back(running);
    }
    return out;
}

template <typename Handle>
std::shared_ptr<detail::series> instrumented_family<Handle>::get_series(const label_values& values) const {
    EDDY_ASSERT(values.size() == f_->label_names.size(), "wrong number of label values");
    std::lock_guard lock(f_->mu);
    auto& slot = f_->series_map[values];
    if (!slot) {
        slot = std::make_shared<detail::series>(f_->arena, f_->cells_per_series, values,
                                                detail::render_labels(f_->label_names, values), f_->bounds);
    }
    return slot;
}

template <typename Handle>
void instrumented_family<Handle>::remove(const label_values& values) const {
    std::shared_ptr<detail::series> doomed;  // dies after the lock is released
    std::lock_guard lock(f_->mu);
    if (auto it = f_->series_map.find(values); it != f_->series_map.end()) {
        doomed = std::move(it->second);
        f_->series_map.erase(it);
    }
}

template <typename Handle>
const std::string& instrumented_family<Handle>::name() const {
    return f_->name;
}

template class instrumented_family<counter>;
template class instrumented_family<gauge>;
template class instrumented_family<histogram>;

callback_registration& callback_registration::operator=(callback_registration&& o) noexcept {
    if (this != &o) {
        reset();
        e_ = std::move(o.e_);
    }
    return *this;
}

void callback_registration::reset() {
    if (!e_) return;
    std::function<double()> fn;  // captures are destroyed outside the lock
    {
        std::lock_guard lock(e_->mu);
        e_->alive = false;
        fn = std::move(e_->fn);
    }
    if (auto f = e_->owner.lock()) {
        std::lock_guard lock(f->mu);
        if (auto it = f->callback_map.find(e_->values); it != f->callback_map.end() && it->second == e_) {
            f->callback_map.erase(it);
        }
    }
    e_.reset();
}

callback_registration callback_family::add(const label_values& values, std::function<double()> fn) const {
    EDDY_ASSERT(values.size() == f_->label_names.size(), "wrong number of label values");
    EDDY_ASSERT(fn != nullptr);
    auto e = std::make_shared<detail::callback_entry>();
    e->fn = std::move(fn);
    e->values = values;
    e->labels_text = detail::render_labels(f_->label_names, values);
    e->owner = f_;
    std::shared_ptr<detail::callback_entry> replaced;
    {
        std::lock_guard lock(f_->mu);
        auto& slot = f_->callback_map[values];
        replaced = std::exchange(slot, e);
    }
    if (replaced) {
        std::lock_guard lock(replaced->mu);
        replaced->alive = false;
    }
    return callback_registration(std::move(e));
}

const std::string& callback_family::name() const { return f_->name; }

namespace {

bool is_name_char(char c, bool first, bool colon_ok) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
    if (colon_ok && c == ':') return true;
    return !first && c >= '0' && c <= '9';
}

bool valid_name(std::string_view name, bool colon_ok) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        if (!is_name_char(name[i], i == 0, colon_ok)) return false;
    }
    return true;
}

result<void> check_names(const detail::family& f) {
    if (!valid_name(f.name, true)) return make_error(errc::invalid_metric_name, "'{}'", f.name);
    const bool total = f.name.ends_with("_total");
    if (f.kind == detail::metric_kind::counter && !total) {
        return make_error(errc::invalid_metric_name, "counter '{}' must end in _total", f.name);
    }
    if (f.kind != detail::metric_kind::counter && total) {
        return make_error(errc::invalid_metric_name, "only counters end in _total: '{}'", f.name);
    }
    for (size_t i = 0; i < f.label_names.size(); ++i) {
        const std::string& l = f.label_names[i];
        if (!valid_name(l, false) || l.starts_with("__") ||
            (f.kind == detail::metric_kind::histogram && l == "le")) {
            return make_error(errc::invalid_label_name, "'{}' in {}", l, f.name);
        }
        if (std::find(f.label_names.begin(), f.label_names.begin() + static_cast<ptrdiff_t>(i), l) !=
            f.label_names.begin() + static_cast<ptrdiff_t>(i)) {
            return make_error(errc::invalid_label_name, "duplicate '{}' in {}", l, f.name);
        }
    }
    return {};
}

result<void> check_bounds(const std::vector<double>& b, std::string_view name) {
    if (b.empty() || b.size() + 2 > detail::cell_arena::max_range) {
        return make_error(errc::invalid_buckets, "{}: {} bounds", name, b.size());
    }
    for (size_t i = 0; i < b.size(); ++i) {
        if (std::isnan(b[i]) || (i > 0 && !(b[i - 1] < b[i]))) {
            return make_error(errc::invalid_buckets, "{}: bounds must increase strictly", name);
        }
    }
    return {};
}

std::shared_ptr<detail::family> make_family(std::string_view name, std::string_view help,
                                            detail::metric_kind kind, bool callback,
                                            std::vector<std::string> label_names) {
    auto f = std::make_shared<detail::family>();
    f->name = std::string(name);
    f->help = std::string(help);
    f->kind = kind;
    f->callback = callback;
    f->label_names = std::move(label_names);
    return f;
}

}  // namespace

struct metric_registry::state {
    mutable std::mutex mu;
    std::map<std::string, std::shared_ptr<detail::family>, std::less<>> families;
};

metric_registry::metric_registry(uint32_t shard_count)
    : shard_count_(shard_count), state_(std::make_unique<state>()) {
    EDDY_ASSERT(shard_count >= 1);
}

metric_registry::~metric_registry() = default;

result<std::shared_ptr<detail::family>> metric_registry::add_family(std::shared_ptr<detail::family> f) {
    EDDY_TRY(check_names(*f));
    if (!f->callback) f->arena = std::make_shared<detail::cell_arena>(shard_count_ + 1);
    std::lock_guard lock(state_->mu);
    auto [it, inserted] = state_->families.try_emplace(f->name, f);
    if (inserted) return f;
    if (!it->second->same_definition(*f)) return make_error(errc::conflicting_family, "'{}'", f->name);
    return it->second;
}

result<counter_family> metric_registry::add_counter(std::string_view name, std::string_view help,
                                                    std::vector<std::string> label_names) {
    auto f = make_family(name, help, detail::metric_kind::counter, false, std::move(label_names));
    EDDY_TRY_ASSIGN(f, add_family(std::move(f)));
    return counter_family(std::move(f));
}

result<gauge_family> metric_registry::add_gauge(std::string_view name, std::string_view help,
                                                std::vector<std::string> label_names) {
    auto f = make_family(name, help, detail::metric_kind::gauge, false, std::move(label_names));
    EDDY_TRY_ASSIGN(f, add_family(std::move(f)));
    return gauge_family(std::move(f));
}

result<histogram_family> metric_registry::add_histogram(std::string_view name, std::string_view help,
                                                        std::vector<std::string> label_names,
                                                        std::vector<double> bounds) {
    EDDY_TRY(check_bounds(bounds, name));
    auto f = make_family(name, help, detail::metric_kind::histogram, false, std::move(label_names));
    for (double b : bounds) f->le_text.push_back("le=\"" + format_value(b) + "\"");
    f->le_text.emplace_back("le=\"+Inf\"");
    f->cells_per_series = static_cast<uint32_t>(bounds.size()) + 2;
    f->bounds = std::make_shared<const std::vector<double>>(std::move(bounds));
    EDDY_TRY_ASSIGN(f, add_family(std::move(f)));
    return histogram_family(std::move(f));
}

result<callback_family> metric_registry::add_callback_gauge(std::string_view name, std::string_view help,
                                                            std::vector<std::string> label_names) {
    auto f = make_family(name, help, detail::metric_kind::gauge, true, std::move(label_names));
    EDDY_TRY_ASSIGN(f, add_family(std::move(f)));
    return callback_family(std::move(f));
}

result<callback_family> metric_registry::add_callback_counter(std::string_view name, std::string_view help,
                                                              std::vector<std::string> label_names) {
    auto f = make_family(name, help, detail::metric_kind::counter, true, std::move(label_names));
    EDDY_TRY_ASSIGN(f, add_family(std::move(f)));
    return callback_family(std::move(f));
}

size_t metric_registry::remove_series(std::string_view label_name, std::string_view label_value) {
    size_t removed = 0;
    for (const auto& fp : all_families()) {
        detail::family& f = *fp;
        auto pos = std::find(f.label_names.begin(), f.label_names.end(), label_name);
        if (pos == f.label_names.end()) continue;
        const auto li = static_cast<size_t>(pos - f.label_names.begin());
        std::vector<std::shared_ptr<detail::series>> doomed;  // die after the lock is released
        std::vector<std::shared_ptr<detail::callback_entry>> stopped;
        {
            std::lock_guard lock(f.mu);
            std::erase_if(f.series_map, [&](auto& kv) {
                if (kv.first[li] != label_value) return false;
                doomed.push_back(std::move(kv.second));
                return true;
            });
            std::erase_if(f.callback_map, [&](auto& kv) {
                if (kv.first[li] != label_value) return false;
                stopped.push_back(std::move(kv.second));
                return true;
            });
        }
        for (auto& e : stopped) {
            std::lock_guard lock(e->mu);
            e->alive = false;
        }
        removed += doomed.size() + stopped.size();
    }
    return removed;
}

size_t metric_registry::series_count() const {
    size_t n = 0;
    for (const auto& f : families()) {
        std::lock_guard lock(f->mu);
        n += f->series_map.size() + f->callback_map.size();
    }
    return n;
}

std::vector<std::shared_ptr<detail::family>> metric_registry::all_families() const {
    std::vector<std::shared_ptr<detail::family>> out;
    std::lock_guard lock(state_->mu);
    out.reserve(state_->families.size());
    for (const auto& [name, f] : state_->families) out.push_back(f);
    return out;
}

std::vector<std::shared_ptr<const detail::family>> metric_registry::families() const {
    auto all = all_families();
    return {all.begin(), all.end()};
}

}  // namespace eddy::observability
