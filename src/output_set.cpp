#include "src/output_set.hpp"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <set>

#include "dsl/sources.hpp"
#include "src/cli.hpp"

namespace cogsim::app {

namespace fs = std::filesystem;

const char* const kCsvTableNames[5] = {"outputs.csv", "indicators.csv", "events.csv", "labels.csv", "run.csv"};

namespace {

// ---- Fault injection, for the tests (COGSIM_FAULT, docs/cli.md "Environment") -----------------
// write:N  the N-th file staged fails half-way, as on a full disk (ENOSPC);
// rename:N the N-th rename of a commit fails (EIO), after the ones before it succeeded;
// pause:N  after the N-th file is staged, wait up to 10 s (a signal can be sent meanwhile).
struct Fault {
  std::string kind;
  int at = 0;
};

const Fault& fault() {
  static const Fault f = [] {
    Fault x;
    const char* env = std::getenv("COGSIM_FAULT");
    if (!env) return x;
    std::string s(env);
    auto colon = s.find(':');
    if (colon == std::string::npos) return x;
    x.kind = s.substr(0, colon);
    x.at = std::atoi(s.c_str() + colon + 1);
    return x;
  }();
  return f;
}

bool fault_hits(const char* kind, int& counter) {
  ++counter;
  return fault().kind == kind && fault().at == counter;
}

int g_files_staged = 0, g_renames = 0;

// ---- Temporaries known to the signal handler ----------------------------------------------------
// Fixed slots, written by the thread that stages and read by the handler (any thread): a slot's
// path is complete before its kind is published.
constexpr int kSlots = 64;
struct Slot {
  std::atomic<int> kind{0};  // 0 free, 1 file, 2 folder
  char path[PATH_MAX];
};
Slot g_slots[kSlots];
volatile sig_atomic_t g_pending = 0;  // the signal held while outputs are staged
struct sigaction g_old_int, g_old_term;
int g_sets = 0;  // live OutputSets (the handler is installed while there is one)

int publish(const std::string& path, int kind) {
  for (int i = 0; i < kSlots; ++i)
    if (g_slots[i].kind.load() == 0) {
      std::snprintf(g_slots[i].path, PATH_MAX, "%s", path.c_str());
      g_slots[i].kind.store(kind);
      return i;
    }
  return -1;
}

void unpublish(int slot) {
  if (slot >= 0) g_slots[slot].kind.store(0);
}

// Async-signal-safe: files first, then the (then empty) folders.
void remove_published() {
  for (int kind : {1, 2})
    for (int i = kSlots - 1; i >= 0; --i)
      if (g_slots[i].kind.load() == kind) kind == 1 ? ::unlink(g_slots[i].path) : ::rmdir(g_slots[i].path);
}

extern "C" void on_signal(int sig) {
  if (g_pending == 0) {
    g_pending = sig;  // the staging thread cleans up at the end of its step, then raises it again
    return;
  }
  remove_published();  // a second signal: at once
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_handler() {
  if (g_sets++ > 0) return;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
}

void restore_handler() {
  if (--g_sets > 0) return;
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

// A signal held during a step: the caller has removed its temporaries; die of it as asked.
void raise_pending() {
  const int sig = g_pending;
  if (sig == 0) return;
  ::signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
}

// ---- Files ---------------------------------------------------------------------------------------

std::string parent_of(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? "." : dir.string();
}

std::string temp_name(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + ".tmp." + std::to_string(::getpid());
}

std::string cannot(const std::string& path, const std::string& why) { return "cannot write '" + path + "': " + why; }

bool fsync_path(const std::string& path, bool folder) {
  int fd = ::open(path.c_str(), (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0 || errno == EINVAL;  // EINVAL: a file system without fsync of folders
  ::close(fd);
  return ok;
}

// Writes `text` into a new file `tmp` and flushes it to disk; errno-based message or "".
std::string write_new_file(const std::string& tmp, const std::string& text) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST && ::unlink(tmp.c_str()) == 0)  // left by a dead process of our pid
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return std::strerror(errno);
  const bool inject = fault_hits("write", g_files_staged);
  std::size_t done = 0, size = inject ? text.size() / 2 : text.size();
  int error = 0;
  while (done < size && !error) {
    ssize_t n = ::write(fd, text.data() + done, size - done);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) done += std::size_t(n);
  }
  if (!error && inject) error = ENOSPC;
  if (!error && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && !error) error = errno;
  if (fault().kind == "pause" && fault().at == g_files_staged)
    for (int i = 0; i < 100 && g_pending == 0; ++i) ::usleep(100000);
  return error ? std::strerror(error) : "";
}

// Renames, the N-th of which fails under COGSIM_FAULT=rename:N.
int rename_or_fault(const char* from, const char* to, unsigned flags) {
  if (fault_hits("rename", g_renames)) {
    errno = EIO;
    return -1;
  }
  return flags ? ::renameat2(AT_FDCWD, from, AT_FDCWD, to, flags) : ::rename(from, to);
}

fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : p;
}

bool inside(const fs::path& file, const fs::path& dir) {
  auto rel = file.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != ".." && rel != ".";
}

std::string check_file_destination(const std::string& path) {
  std::error_code ec;
  const std::string dir = parent_of(path);
  if (!fs::is_directory(dir, ec)) return cannot(path, "folder '" + dir + "' does not exist");
  if (fs::is_directory(path, ec)) return cannot(path, "it is a folder");
  // The output replaces its destination whole (a rename): a device (/dev/null, /dev/stdout), a
  // FIFO or a socket would be replaced by a plain file.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return cannot(path, "it is a device, a FIFO or a socket, which cogsim would replace by a file (give a file name)");
  if (::access(dir.c_str(), W_OK) != 0) return cannot(path, std::strerror(errno));
  return "";
}

std::string check_folder_destination(const std::string& dir) {
  std::error_code ec;
  fs::path d = fs::path(dir).lexically_normal();
  if (d.filename().empty()) d = d.parent_path();
  if (fs::exists(d, ec) || fs::is_symlink(d, ec)) {
    if (!fs::is_directory(d, ec) || fs::is_symlink(d, ec))
      return "cannot write CSV tables into '" + dir + "': it is not a folder";
    for (const auto& e : fs::directory_iterator(d, ec)) {
      const std::string name = e.path().filename().string();
      if (std::find(std::begin(kCsvTableNames), std::end(kCsvTableNames), name) == std::end(kCsvTableNames))
        return "cannot replace the CSV folder '" + dir + "': it holds '" + name +
               "', which cogsim did not write (give a new or empty folder)";
    }
  }
  const std::string parent = parent_of(d.string());
  if (!fs::is_directory(parent, ec))
    return "cannot create the CSV folder '" + dir + "': folder '" + parent + "' does not exist";
  if (::access(parent.c_str(), W_OK) != 0) return "cannot create the CSV folder '" + dir + "': " + std::strerror(errno);
  return "";
}

}  // namespace

// ---- Checks --------------------------------------------------------------------------------------

DestinationError check_destinations(const std::vector<Destination>& outputs) {
  std::vector<std::pair<fs::path, const Destination*>> seen;
  for (const Destination& d : outputs) {
    if (d.path.empty()) continue;
    const fs::path r = resolved(d.path);
    for (const auto& [q, other] : seen) {
      const bool same = q == r, nested = (other->folder && inside(r, q)) || (d.folder && inside(q, r));
      if (same || nested)
        return {other->option + " '" + other->path + "' and " + d.option + " '" + d.path + "' " +
                    (same ? "name the same file" : "overlap (one is inside the other)") + "; nothing written",
                true};
    }
    seen.emplace_back(r, &d);
  }
  for (const Destination& d : outputs) {
    if (d.path.empty()) continue;
    std::string e = d.folder ? check_folder_destination(d.path) : check_file_destination(d.path);
    if (!e.empty()) return {e, false};
  }
  return {};
}

DestinationError check_not_inputs(const std::vector<Destination>& outputs, const dsl::Sources& sources) {
  for (const Destination& d : outputs) {
    if (d.path.empty()) continue;
    const fs::path r = resolved(d.path);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const fs::path in = resolved(sources.path(std::uint32_t(i)));
      if (in == r || (d.folder && inside(in, r)))
        return {d.option + " '" + d.path + "' would overwrite '" + sources.path(std::uint32_t(i)) +
                    "', a file of the model; nothing written",
                true};
    }
  }
  return {};
}

// ---- The transaction ---------------------------------------------------------------------------

struct OutputSet::Item {
  std::string target, tmp;
  bool folder = false;
  std::vector<int> slots;  // published temporaries: the folder's files, then the folder (or the file)
  enum State { Staged, Exchanged, MovedAside, Placed } state = Staged;
  std::string aside() const { return tmp + ".old"; }
};

OutputSet::OutputSet() { install_handler(); }

OutputSet::~OutputSet() {
  abort();
  restore_handler();
  raise_pending();
}

std::string OutputSet::fail(const std::string& message) {
  abort();
  raise_pending();
  return message;
}

std::string OutputSet::add_file_with(const std::string& path,
                                     const std::function<std::string(const std::string&)>& write) {
  if (g_pending) return fail("interrupted");
  if (auto e = check_file_destination(path); !e.empty()) return fail(e);
  Item item;
  item.target = path, item.tmp = temp_name(path);
  int slot = publish(item.tmp, 1);
  if (slot < 0) return fail(cannot(path, "too many outputs"));
  item.slots.push_back(slot);
  items_.push_back(item);
  std::string e = write(item.tmp);
  if (e.empty() && !fsync_path(item.tmp, false)) e = cannot(path, std::strerror(errno));
  if (!e.empty()) return fail(e);
  if (g_pending) return fail("interrupted");
  return "";
}

std::string OutputSet::add_file(const std::string& path, const std::string& text) {
  return add_file_with(path, [&](const std::string& tmp) {
    std::string e = write_new_file(tmp, text);
    return e.empty() ? e : cannot(path, e);
  });
}

std::string OutputSet::add_folder(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  if (g_pending) return fail("interrupted");
  if (auto e = check_folder_destination(dir); !e.empty()) return fail(e);
  Item item;
  item.target = dir, item.tmp = temp_name(dir), item.folder = true;
  std::error_code ec;
  fs::remove_all(item.tmp, ec);  // left by a dead process of our pid
  int slot = publish(item.tmp, 2);
  if (slot < 0) return fail(cannot(dir, "too many outputs"));
  item.slots.push_back(slot);
  items_.push_back(item);
  if (::mkdir(item.tmp.c_str(), 0777) != 0) return fail("cannot create the CSV folder '" + dir + "': " + std::strerror(errno));
  for (const auto& [name, text] : files) {
    const std::string file = item.tmp + "/" + name;
    int s = publish(file, 1);
    if (s < 0) return fail(cannot(dir, "too many outputs"));
    items_.back().slots.push_back(s);
    if (auto e = write_new_file(file, text); !e.empty()) return fail(cannot((fs::path(dir) / name).string(), e));
    if (g_pending) return fail("interrupted");
  }
  if (!fsync_path(item.tmp, true)) return fail(cannot(dir, std::strerror(errno)));
  return "";
}

void OutputSet::abort() {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    std::error_code ec;
    fs::remove_all(it->tmp, ec);
    for (int s : it->slots) unpublish(s);
  }
  items_.clear();
}

std::string OutputSet::commit() {
  if (g_pending) return fail("interrupted");
  // From here a temporary may hold the previous content (after an exchange): a second signal must
  // not remove it, so the handler forgets them; a failure below still removes them.
  for (Item& it : items_)
    for (int s : it.slots) unpublish(s);
  std::size_t done = 0;
  std::string error;
  for (; done < items_.size() && error.empty(); ++done) {
    Item& it = items_[done];
    struct stat st;
    if (::lstat(it.target.c_str(), &st) != 0) {
      if (rename_or_fault(it.tmp.c_str(), it.target.c_str(), 0) == 0) it.state = Item::Placed;
      else error = cannot(it.target, std::strerror(errno));
    } else if (rename_or_fault(it.tmp.c_str(), it.target.c_str(), RENAME_EXCHANGE) == 0) {
      it.state = Item::Exchanged;  // the previous content is now at tmp
    } else if (errno != EINVAL && errno != ENOSYS) {
      error = cannot(it.target, std::strerror(errno));
    } else if (::rename(it.target.c_str(), it.aside().c_str()) != 0) {  // no exchange on this file system
      error = cannot(it.target, std::strerror(errno));
    } else if (::rename(it.tmp.c_str(), it.target.c_str()) != 0) {
      error = cannot(it.target, std::strerror(errno));
      ::rename(it.aside().c_str(), it.target.c_str());
    } else {
      it.state = Item::MovedAside;
    }
  }
  if (!error.empty()) {  // put back what was placed, newest first; abort() then removes the temporaries
    for (std::size_t i = done; i-- > 0;) {
      Item& it = items_[i];
      if (it.state == Item::Exchanged) ::renameat2(AT_FDCWD, it.tmp.c_str(), AT_FDCWD, it.target.c_str(), RENAME_EXCHANGE);
      if (it.state == Item::Placed || it.state == Item::MovedAside) ::rename(it.target.c_str(), it.tmp.c_str());
      if (it.state == Item::MovedAside) ::rename(it.aside().c_str(), it.target.c_str());
    }
    return fail(error);
  }
  std::set<std::string> folders;
  for (Item& it : items_) {
    std::error_code ec;
    fs::remove_all(it.state == Item::MovedAside ? it.aside() : it.tmp, ec);  // the previous content
    folders.insert(parent_of(it.target));
  }
  items_.clear();
  for (const auto& f : folders) fsync_path(f, true);  // the renames themselves reach the disk
  raise_pending();
  return "";
}

int destination_status(const DestinationError& e, std::ostream& err) {
  if (e.message.empty()) return kOk;
  err << "cogsim: " << e.message << "\n";
  return e.usage ? kUsage : kCannotWrite;
}

int commit_or_report(OutputSet& set, const std::string& error, std::ostream& err) {
  const std::string e = error.empty() ? set.commit() : error;
  if (e.empty()) return kOk;
  set.abort();
  err << "cogsim: " << e << "; no file written or replaced\n";
  return kCannotWrite;
}

std::string json_text(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string write_one_file(const std::string& path, const std::string& text) {
  OutputSet set;
  if (auto e = set.add_file(path, text); !e.empty()) return e;
  return set.commit();
}

}  // namespace cogsim::app
