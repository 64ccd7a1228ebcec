#include "io/memory_filesystem.h"

#include <cerrno>
#include <map>
#include <mutex>
#include <set>

#include "io/errc.h"

namespace eddy::io {

std::string normalize_path(std::string_view p) {
    std::string out;
    out.reserve(p.size());
    for (char c : p) {
        if (c == '/' && !out.empty() && out.back() == '/') continue;
        out.push_back(c);
    }
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string parent_path(std::string_view normalized) {
    auto slash = normalized.rfind('/');
    if (slash == std::string_view::npos) return {};
    if (slash == 0) return normalized.size() > 1 ? "/" : "";
    return std::string(normalized.substr(0, slash));
}

namespace {

// Is `path` a strict descendant of `dir`?
bool is_under(const std::string& path, const std::string& dir) {
    if (dir.empty()) return !path.empty() && path.front() != '/';
    if (dir == "/") return path.size() > 1 && path.front() == '/';
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

struct tree {
    std::mutex mu;
    std::map<std::string, std::shared_ptr<bytes>> files;
    std::set<std::string> dirs{"", "/"};

    bool is_dir(const std::string& p) const { return dirs.contains(p); }
};

class memory_file final : public file {
public:
    memory_file(std::shared_ptr<tree> t, std::shared_ptr<bytes> data) : tree_(std::move(t)), data_(std::move(data)) {}

    result<size_t> read_at(uint64_t pos, mutable_bytes_view out) override {
        std::lock_guard lk(tree_->mu);
        if (pos >= data_->size()) return size_t{0};
        size_t n = std::min<size_t>(out.size(), data_->size() - pos);
        std::memcpy(out.data(), data_->data() + pos, n);
        return n;
    }
    result<void> write_at(uint64_t pos, bytes_view in) override {
        std::lock_guard lk(tree_->mu);
        if (data_->size() < pos + in.size()) data_->resize(pos + in.size());
        if (!in.empty()) std::memcpy(data_->data() + pos, in.data(), in.size());
        return {};
    }
    result<void> sync() override { return {}; }
    result<void> truncate(uint64_t size) override {
        std::lock_guard lk(tree_->mu);
        data_->resize(size);
        return {};
    }
    result<uint64_t> size() override {
        std::lock_guard lk(tree_->mu);
        return data_->size();
    }

private:
    std::shared_ptr<tree> tree_;
    std::shared_ptr<bytes> data_;  // survives removal of its name, like an unlinked open file
};

class memory_filesystem final : public filesystem {
public:
    result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) override {
        auto p = normalize_path(path);
        std::lock_guard lk(t_->mu);
        if (t_->is_dir(p)) return make_errno_error(EISDIR, "open {}", path);
        auto it = t_->files.find(p);
        if (it == t_->files.end()) {
            if (mode == open_mode::read_only || mode == open_mode::read_write)
                return make_errno_error(ENOENT, "open {}", path);
            if (!t_->is_dir(parent_path(p))) return make_errno_error(ENOENT, "open {} (no parent)", path);
            it = t_->files.emplace(p, std::make_shared<bytes>()).first;
        } else if (mode == open_mode::create_new) {
            return make_errno_error(EEXIST, "open {}", path);
        }
        return std::make_unique<memory_file>(t_, it->second);
    }

    result<std::vector<std::string>> list(const std::string& dir) override {
        auto d = normalize_path(dir);
        std::lock_guard lk(t_->mu);
        if (!t_->is_dir(d)) return make_errno_error(ENOENT, "list {}", dir);
        std::vector<std::string> names;
        auto add = [&](const std::string& p) {
            if (is_under(p, d) && parent_path(p) == d) names.push_back(p.substr(p.rfind('/') + 1));
        };
        for (auto& [p, _] : t_->files) add(p);
        for (auto& p : t_->dirs) add(p);
        return names;
    }

    result<void> create_directories(const std::string& dir) override {
        auto d = normalize_path(dir);
        std::lock_guard lk(t_->mu);
        for (auto p = d; !p.empty() && p != "/"; p = parent_path(p)) {
            if (t_->files.contains(p)) return make_errno_error(ENOTDIR, "create_directories {}", dir);
            t_->dirs.insert(p);
        }
        return {};
    }

    result<void> remove(const std::string& path) override {
        auto p = normalize_path(path);
        std::lock_guard lk(t_->mu);
        if (t_->files.erase(p) > 0) return {};
        if (!t_->is_dir(p)) return make_errno_error(ENOENT, "remove {}", path);
        for (auto& f : t_->files)
            if (is_under(f.first, p)) return make_errno_error(ENOTEMPTY, "remove {}", path);
        for (auto& sub : t_->dirs)
            if (is_under(sub, p)) return make_errno_error(ENOTEMPTY, "remove {}", path);
        t_->dirs.erase(p);
        return {};
    }

    result<void> remove_all(const std::string& path) override {
        auto p = normalize_path(path);
        std::lock_guard lk(t_->mu);
        t_->files.erase(p);
        std::erase_if(t_->files, [&](auto& kv) { return is_under(kv.first, p); });
        std::erase_if(t_->dirs, [&](auto& d) { return is_under(d, p); });
        if (p != "" && p != "/") t_->dirs.erase(p);
        return {};
    }

    result<void> rename(const std::string& from, const std::string& to) override {
        auto f = normalize_path(from);
        auto t = normalize_path(to);
        std::lock_guard lk(t_->mu);
        auto it = t_->files.find(f);
        if (it == t_->files.end()) return make_errno_error(ENOENT, "rename {} -> {}", from, to);
        if (t_->is_dir(t)) return make_errno_error(EISDIR, "rename {} -> {}", from, to);
        if (!t_->is_dir(parent_path(t))) return make_errno_error(ENOENT, "rename {} -> {}", from, to);
        auto data = it->second;
        t_->files.erase(it);
        t_->files[t] = std::move(data);
        return {};
    }

    result<bool> exists(const std::string& path) override {
        auto p = normalize_path(path);
        std::lock_guard lk(t_->mu);
        return t_->files.contains(p) || t_->is_dir(p);
    }

    result<void> sync_directory(const std::string& dir) override {
        auto d = normalize_path(dir);
        std::lock_guard lk(t_->mu);
        if (!t_->is_dir(d)) return make_errno_error(ENOENT, "sync_directory {}", dir);
        return {};
    }

private:
    std::shared_ptr<tree> t_ = std::make_shared<tree>();
};

}  // namespace

std::unique_ptr<filesystem> make_memory_filesystem() { return std::make_unique<memory_filesystem>(); }

}  // namespace eddy::io
