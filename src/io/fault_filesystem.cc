#include "io/fault_filesystem.h"

#include <cerrno>
#include <map>
#include <mutex>
#include <set>

#include "base/assert.h"
#include "io/errc.h"
#include "io/memory_filesystem.h"

namespace eddy::io {

namespace {

struct inode {
    bytes current;
    bytes durable;
};

bool is_under(const std::string& path, const std::string& dir) {
    if (dir.empty()) return !path.empty() && path.front() != '/';
    if (dir == "/") return path.size() > 1 && path.front() == '/';
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

}  // namespace

struct fault_filesystem::state {
    mutable std::mutex mu;
    std::map<std::string, std::shared_ptr<inode>> names;          // current namespace
    std::map<std::string, std::shared_ptr<inode>> durable_names;  // what survives a crash
    std::set<std::string> dirs{"", "/"};
    uint64_t generation = 0;  // bumped by crash(); handles of older generations are dead
    bool crashed = false;

    std::optional<std::error_code> next_sync_error;
    std::function<bool(const std::string&)> sync_fail_pred;
    std::error_code sync_fail_ec;
    std::optional<uint64_t> space_limit;
    bool partial_writes = false;

    std::optional<uint64_t> ops_until_crash;

    uint64_t file_syncs = 0;
    uint64_t dir_syncs = 0;

    result<void> check_up() const {
        if (crashed) return make_error(errc::injected_crash);
        return {};
    }
    // Called (under mu) before every mutating operation; may crash the file system.
    result<void> count_op() {
        if (ops_until_crash) {
            if (*ops_until_crash == 0) {
                ops_until_crash.reset();
                crash_locked(std::nullopt);
                return make_error(errc::injected_crash, "crash_after_ops");
            }
            --*ops_until_crash;
        }
        return {};
    }
    void crash_locked(const std::optional<torn_write>& torn);
    uint64_t used_bytes() const {
        uint64_t n = 0;
        for (auto& [_, ino] : names) n += ino->current.size();
        return n;
    }
};

namespace {

class fault_file final : public file {
public:
    fault_file(std::shared_ptr<fault_filesystem::state> s, std::shared_ptr<inode> ino, std::string path,
               uint64_t gen)
        : s_(std::move(s)), ino_(std::move(ino)), path_(std::move(path)), gen_(gen) {}

    result<size_t> read_at(uint64_t pos, mutable_bytes_view out) override {
        std::lock_guard lk(s_->mu);
        EDDY_TRY(alive());
        auto& d = ino_->current;
        if (pos >= d.size()) return size_t{0};
        size_t n = std::min<size_t>(out.size(), d.size() - pos);
        std::memcpy(out.data(), d.data() + pos, n);
        return n;
    }

    result<void> write_at(uint64_t pos, bytes_view in) override {
        std::lock_guard lk(s_->mu);
        EDDY_TRY(alive());
        EDDY_TRY(s_->count_op());
        auto& d = ino_->current;
        uint64_t end = pos + in.size();
        uint64_t growth = end > d.size() ? end - d.size() : 0;
        if (s_->space_limit && growth > 0) {
            uint64_t used = s_->used_bytes();
            uint64_t avail = *s_->space_limit > used ? *s_->space_limit - used : 0;
            if (growth > avail) {
                if (s_->partial_writes) {
                    // Write what fits: everything up to the old end plus `avail` more bytes.
                    uint64_t fit_end = d.size() + avail;
                    if (fit_end > pos) put(pos, in.first(fit_end - pos));
                }
                return make_errno_error(ENOSPC, "write {} at {} ({} bytes)", path_, pos, in.size());
            }
        }
        put(pos, in);
        return {};
    }

    result<void> sync() override {
        std::lock_guard lk(s_->mu);
        EDDY_TRY(alive());
        EDDY_TRY(s_->count_op());
        if (s_->next_sync_error) {
            auto ec = *s_->next_sync_error;
            s_->next_sync_error.reset();
            return make_error(ec, "sync " + path_ + " (injected)");
        }
        if (s_->sync_fail_pred && s_->sync_fail_pred(path_)) return make_error(s_->sync_fail_ec, "sync " + path_ + " (injected)");
        ino_->durable = ino_->current;
        ++s_->file_syncs;
        return {};
    }

    result<void> truncate(uint64_t size) override {
        std::lock_guard lk(s_->mu);
        EDDY_TRY(alive());
        EDDY_TRY(s_->count_op());
        ino_->current.resize(size);
        return {};
    }

    result<uint64_t> size() override {
        std::lock_guard lk(s_->mu);
        EDDY_TRY(alive());
        return ino_->current.size();
    }

private:
    result<void> alive() const {
        if (s_->crashed || gen_ != s_->generation) return make_error(errc::injected_crash, "file {}", path_);
        return {};
    }
    void put(uint64_t pos, bytes_view in) {
        auto& d = ino_->current;
        if (d.size() < pos + in.size()) d.resize(pos + in.size());
        if (!in.empty()) std::memcpy(d.data() + pos, in.data(), in.size());
    }

    std::shared_ptr<fault_filesystem::state> s_;
    std::shared_ptr<inode> ino_;
    std::string path_;
    uint64_t gen_;
};

}  // namespace

fault_filesystem::fault_filesystem() : s_(std::make_shared<state>()) {}
fault_filesystem::~fault_filesystem() = default;

result<std::unique_ptr<file>> fault_filesystem::open(const std::string& path, open_mode mode) {
    auto p = normalize_path(path);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    if (s_->dirs.contains(p)) return make_errno_error(EISDIR, "open {}", path);
    auto it = s_->names.find(p);
    if (it == s_->names.end()) {
        if (mode == open_mode::read_only || mode == open_mode::read_write)
            return make_errno_error(ENOENT, "open {}", path);
        if (!s_->dirs.contains(parent_path(p))) return make_errno_error(ENOENT, "open {} (no parent)", path);
        EDDY_TRY(s_->count_op());
        it = s_->names.emplace(p, std::make_shared<inode>()).first;
    } else if (mode == open_mode::create_new) {
        return make_errno_error(EEXIST, "open {}", path);
    }
    return std::make_unique<fault_file>(s_, it->second, p, s_->generation);
}

result<std::vector<std::string>> fault_filesystem::list(const std::string& dir) {
    auto d = normalize_path(dir);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    if (!s_->dirs.contains(d)) return make_errno_error(ENOENT, "list {}", dir);
    std::vector<std::string> out;
    auto add = [&](const std::string& p) {
        if (is_under(p, d) && parent_path(p) == d) out.push_back(p.substr(p.rfind('/') + 1));
    };
    for (auto& [p, _] : s_->names) add(p);
    for (auto& p : s_->dirs) add(p);
    return out;
}

result<void> fault_filesystem::create_directories(const std::string& dir) {
    auto d = normalize_path(dir);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    for (auto p = d; !p.empty() && p != "/"; p = parent_path(p)) {
        if (s_->names.contains(p)) return make_errno_error(ENOTDIR, "create_directories {}", dir);
        s_->dirs.insert(p);
    }
    return {};
}

result<void> fault_filesystem::remove(const std::string& path) {
    auto p = normalize_path(path);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    EDDY_TRY(s_->count_op());
    if (s_->names.erase(p) > 0) return {};
    if (!s_->dirs.contains(p)) return make_errno_error(ENOENT, "remove {}", path);
    for (auto& [f, _] : s_->names)
        if (is_under(f, p)) return make_errno_error(ENOTEMPTY, "remove {}", path);
    for (auto& sub : s_->dirs)
        if (is_under(sub, p)) return make_errno_error(ENOTEMPTY, "remove {}", path);
    s_->dirs.erase(p);
    return {};
}

result<void> fault_filesystem::remove_all(const std::string& path) {
    auto p = normalize_path(path);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    // Directory removal is modelled as durable at once, like directory creation.
    s_->names.erase(p);
    std::erase_if(s_->names, [&](auto& kv) { return is_under(kv.first, p); });
    std::erase_if(s_->durable_names, [&](auto& kv) { return kv.first == p || is_under(kv.first, p); });
    std::erase_if(s_->dirs, [&](auto& d) { return is_under(d, p); });
    if (p != "" && p != "/") s_->dirs.erase(p);
    return {};
}

result<void> fault_filesystem::rename(const std::string& from, const std::string& to) {
    auto f = normalize_path(from);
    auto t = normalize_path(to);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    EDDY_TRY(s_->count_op());
    auto it = s_->names.find(f);
    if (it == s_->names.end()) return make_errno_error(ENOENT, "rename {} -> {}", from, to);
    if (s_->dirs.contains(t)) return make_errno_error(EISDIR, "rename {} -> {}", from, to);
    if (!s_->dirs.contains(parent_path(t))) return make_errno_error(ENOENT, "rename {} -> {}", from, to);
    auto ino = it->second;
    s_->names.erase(it);
    s_->names[t] = std::move(ino);
    return {};
}

result<bool> fault_filesystem::exists(const std::string& path) {
    auto p = normalize_path(path);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    return s_->names.contains(p) || s_->dirs.contains(p);
}

result<void> fault_filesystem::sync_directory(const std::string& dir) {
    auto d = normalize_path(dir);
    std::lock_guard lk(s_->mu);
    EDDY_TRY(s_->check_up());
    if (!s_->dirs.contains(d)) return make_errno_error(ENOENT, "sync_directory {}", dir);
    EDDY_TRY(s_->count_op());
    if (s_->sync_fail_pred && s_->sync_fail_pred(d)) return make_error(s_->sync_fail_ec, "sync_directory " + d + " (injected)");
    std::erase_if(s_->durable_names, [&](auto& kv) { return parent_path(kv.first) == d; });
    for (auto& [p, ino] : s_->names)
        if (parent_path(p) == d) s_->durable_names[p] = ino;
    ++s_->dir_syncs;
    return {};
}

void fault_filesystem::fail_next_sync(std::error_code ec) {
    std::lock_guard lk(s_->mu);
    s_->next_sync_error = ec;
}

void fault_filesystem::fail_syncs_where(std::function<bool(const std::string&)> pred, std::error_code ec) {
    std::lock_guard lk(s_->mu);
    s_->sync_fail_pred = std::move(pred);
    s_->sync_fail_ec = ec;
}

void fault_filesystem::set_space_limit(std::optional<uint64_t> limit, bool partial_writes) {
    std::lock_guard lk(s_->mu);
    s_->space_limit = limit;
    s_->partial_writes = partial_writes;
}

void fault_filesystem::clear_faults() {
    std::lock_guard lk(s_->mu);
    s_->next_sync_error.reset();
    s_->sync_fail_pred = nullptr;
    s_->space_limit.reset();
    s_->ops_until_crash.reset();
}

void fault_filesystem::state::crash_locked(const std::optional<torn_write>& torn) {
    if (torn) {
        auto it = names.find(normalize_path(torn->path));
        if (it != names.end()) {
            auto& ino = *it->second;
            size_t from = ino.durable.size();
            if (ino.current.size() > from) {
                size_t n = std::min<size_t>(torn->keep, ino.current.size() - from);
                ino.durable.insert(ino.durable.end(), ino.current.begin() + static_cast<ptrdiff_t>(from),
                                   ino.current.begin() + static_cast<ptrdiff_t>(from + n));
            }
        }
    }
    names = durable_names;
    for (auto& [_, ino] : names) ino->current = ino->durable;
    ++generation;
    crashed = true;
}

void fault_filesystem::crash(std::optional<torn_write> torn) {
    std::lock_guard lk(s_->mu);
    s_->crash_locked(torn);
}

void fault_filesystem::crash_after_ops(uint64_t n) {
    std::lock_guard lk(s_->mu);
    s_->ops_until_crash = n;
}

void fault_filesystem::restart() {
    std::lock_guard lk(s_->mu);
    s_->crashed = false;
}

uint64_t fault_filesystem::unsynced_tail(const std::string& path) const {
    std::lock_guard lk(s_->mu);
    auto it = s_->names.find(normalize_path(path));
    if (it == s_->names.end()) return 0;
    auto& ino = *it->second;
    return ino.current.size() > ino.durable.size() ? ino.current.size() - ino.durable.size() : 0;
}

uint64_t fault_filesystem::file_syncs() const {
    std::lock_guard lk(s_->mu);
    return s_->file_syncs;
}

uint64_t fault_filesystem::directory_syncs() const {
    std::lock_guard lk(s_->mu);
    return s_->dir_syncs;
}

void fault_filesystem::corrupt_byte(const std::string& path, uint64_t pos) {
    std::lock_guard lk(s_->mu);
    auto it = s_->names.find(normalize_path(path));
    EDDY_ASSERT(it != s_->names.end(), "corrupt_byte: no such file");
    auto& ino = *it->second;
    EDDY_ASSERT(pos < ino.current.size());
    ino.current[pos] ^= 0xff;
    if (pos < ino.durable.size()) ino.durable[pos] ^= 0xff;
}

}  // namespace eddy::io
