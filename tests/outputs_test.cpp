// The outputs of a command are all or nothing (src/output_set.hpp): a failure or a signal while
// they are written changes no file the user had and leaves no temporary; an output that is a file
// of the model, or a path given twice, is refused before anything runs.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "src/output_set.hpp"
#include "src/report_csv.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& tag) {
  std::string templ = (fs::temp_directory_path() / ("cogsim-out-" + tag + "-XXXXXX")).string();
  char* d = ::mkdtemp(templ.data());
  return d ? fs::path(d) : fs::path();
}

struct Child {
  pid_t pid = -1;
  fs::path err_file;
};

struct Exit {
  int status = -1;  // the exit status, or -1 when killed by a signal
  int signal = 0;   // the signal that killed it
  std::string err;  // its stderr
};

struct Limits {
  std::string fault;           // COGSIM_FAULT
  rlim_t file_size = RLIM_INFINITY;  // RLIMIT_FSIZE: a file system that refuses to grow a file past it
};

// Starts cogsim with `args`, stdout to /dev/null, stderr to a file.
Child start(const std::vector<std::string>& args, const fs::path& dir, const Limits& lim = {}) {
  Child c;
  c.err_file = dir.parent_path() / (dir.filename().string() + ".stderr");
  c.pid = ::fork();
  if (c.pid == 0) {
    int null = ::open("/dev/null", O_WRONLY), e = ::open(c.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(null, 1);
    ::dup2(e, 2);
    if (!lim.fault.empty()) ::setenv("COGSIM_FAULT", lim.fault.c_str(), 1);
    if (lim.file_size != RLIM_INFINITY) {
      ::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG, as on a full file system
      rlimit r{lim.file_size, lim.file_size};
      ::setrlimit(RLIMIT_FSIZE, &r);
    }
    std::vector<char*> argv{const_cast<char*>(COGSIM_EXE)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(COGSIM_EXE, argv.data());
    ::_exit(127);
  }
  return c;
}

Exit finish(const Child& c) {
  int raw = 0;
  ::waitpid(c.pid, &raw, 0);
  Exit x;
  if (WIFEXITED(raw)) x.status = WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) x.signal = WTERMSIG(raw);
  x.err = slurp(c.err_file);
  fs::remove(c.err_file);
  return x;
}

Exit run_cogsim(const std::vector<std::string>& args, const fs::path& dir, const Limits& lim = {}) {
  return finish(start(args, dir, lim));
}

const std::string kModel = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";
const std::string kVariant = std::string(COGSIM_SOURCE_DIR) + "/scenarios/avenant-inflation";

// Every file under `dir` (recursively) with its content.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return files;
}

// Names under `dir` that look like a temporary of cogsim.
std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> t;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) t.push_back(e.path().string());
  return t;
}

// A run writing JSON, HTML report and CSV tables into `dir` (the outputs a fault must not touch).
std::vector<std::string> run_all(const fs::path& dir, const std::string& seed) {
  return {"run", kModel, "-n", "1000", "-q", "-s", seed, "--json", (dir / "r.json").string(),
          "--report", (dir / "r.html").string(), "--csv", (dir / "tables").string()};
}

// A copy of the shipped model in `dir`/M (its files may then be named as outputs).
fs::path copy_model(const fs::path& dir) {
  fs::copy(kModel, dir / "M", fs::copy_options::recursive);
  return dir / "M";
}

}  // namespace

TEST(Outputs, AFileOfTheModelIsNeverAnOutput) {
  fs::path dir = fresh_dir("inputs");
  fs::path m = copy_model(dir);
  fs::create_symlink(m / "main.cog", dir / "link.json");
  const auto before = snapshot(m);
  struct Case {
    std::vector<std::string> args;
    std::string named;  // the model file the message must name
  };
  const std::vector<Case> cases = {
      {{"run", (m / "main.cog").string(), "--central", "--json", (m / "main.cog").string()}, "main.cog"},
      {{"run", m.string(), "-n", "100", "--json", (m / "entities.cog").string()}, "entities.cog"},
      {{"run", m.string(), "-n", "100", "--json", (dir / "link.json").string()}, "main.cog"},
      {{"replay", m.string(), "--path", "3", "--json", (m / "funds.cog").string()}, "funds.cog"},
      {{"compare", kModel, m.string(), "-n", "100", "--report", (m / "drivers.cog").string()}, "drivers.cog"},
      {{"sensitivity", m.string(), "--output", "resultat.CDS", "--year", "2024", "-n", "100", "--json",
        (m / "outputs.cog").string()},
       "outputs.cog"},
      {{"goal", m.string(), "--param", "savings[CDS, 2024]", "--indicator", "8", "--year", "2024", "-p", "0.8",
        "--lo", "0", "--hi", "0.1", "-n", "100", "--json", (m / "indicators.cog").string()},
       "indicators.cog"},
  };
  for (const auto& c : cases) {
    Exit x = run_cogsim(c.args, dir);
    EXPECT_EQ(x.status, 2) << c.args[0] << " " << x.err;
    EXPECT_NE(x.err.find("a file of the model"), std::string::npos) << x.err;
    EXPECT_NE(x.err.find(c.named), std::string::npos) << x.err;
  }
  // The model's folder as the CSV folder: refused before the model is even read (it holds files
  // cogsim did not write).
  Exit x = run_cogsim({"run", m.string(), "-n", "100", "--csv", m.string()}, dir);
  EXPECT_EQ(x.status, 4) << x.err;
  EXPECT_NE(x.err.find(".cog', which cogsim did not write"), std::string::npos) << x.err;
  EXPECT_EQ(snapshot(m), before) << "a model file changed";
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  fs::remove_all(dir);
}

TEST(Outputs, ADeviceOrAFifoIsNeverReplacedByAFile) {
  // Was: `--json /dev/null` renamed the results over /dev/null. A FIFO stands in for the device
  // here (a regression must not clobber the machine's /dev/null).
  fs::path dir = fresh_dir("special");
  const fs::path fifo = dir / "out.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  fs::create_symlink(fifo, dir / "link.json");
  for (const fs::path& p : {fifo, dir / "link.json"}) {
    Exit x = run_cogsim({"run", kModel, "-n", "100", "--json", p.string()}, dir);
    EXPECT_EQ(x.status, 4) << x.err;
    EXPECT_EQ(x.err, "cogsim: cannot write '" + p.string() + "': it is a device, a FIFO or a socket, which cogsim "
                     "would replace by a file (give a file name)\n") << x.err;
  }
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  fs::remove_all(dir);
}

TEST(Outputs, ThePathGivenTwiceIsRefusedBeforeRunning) {
  fs::path dir = fresh_dir("twice");
  const std::string j = (dir / "a.json").string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", kModel, "-n", "100", "--json", j, "--report", (dir / "." / "a.json").string()},
           {"run", kModel, "-n", "100", "--json", (dir / "t" / "outputs.csv").string(), "--csv", (dir / "t").string()},
           {"compare", kModel, kVariant, "-n", "100", "--json", j, "--report", j}}) {
    Exit x = run_cogsim(args, dir);
    EXPECT_EQ(x.status, 2) << x.err;
    EXPECT_NE(x.err.find("--json"), std::string::npos) << x.err;
  }
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// An empty output path (`--json "$OUT"` with OUT unset) was taken as "no output": exit 0 and
// nothing written. Every output option of every command refuses it, status 2.
TEST(Outputs, AnEmptyOutputPathIsRefused) {
  fs::path dir = fresh_dir("empty-path");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", kModel, "-n", "100", "--json", ""},
           {"run", kModel, "-n", "100", "--report", ""},
           {"run", kModel, "-n", "100", "--csv", ""},
           {"run", kModel, "-n", "100", "--xlsx", ""},
           {"compare", kModel, kVariant, "-n", "100", "--json", ""},
           {"replay", kModel, "--path", "1", "--json", ""},
           {"sweep", kModel, "--grid", "gap_sd=0.01", "-n", "100", "--html", ""},
           {"sensitivity", kModel, "--indicator", "8", "--year", "2024", "--report", ""},
           {"sensitivity", kModel, "--indicator", "8", "--year", "2024", "--evaluations", ""}}) {
    Exit x = run_cogsim(args, dir);
    EXPECT_EQ(x.status, 2) << args[0] << " " << args[args.size() - 2] << ": " << x.err;
    EXPECT_NE(x.err.find(args[args.size() - 2] + ": an empty path"), std::string::npos) << x.err;
  }
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// `--set CELL=5 %` for an amount cell was taken as 0.05 €; a rules file refuses a rate there.
TEST(Outputs, APercentForAnAmountCellIsRefused) {
  fs::path dir = fresh_dir("set-percent");
  Exit x = run_cogsim({"run", kModel, "-n", "100", "-q", "--set", "fnmo_investment=5 %"}, dir);
  EXPECT_EQ(x.status, 2) << x.err;
  EXPECT_NE(x.err.find("'fnmo_investment' is an amount in € (write its value in euros)"), std::string::npos) << x.err;
  EXPECT_EQ(run_cogsim({"run", kModel, "-n", "100", "-q", "--set", "gap_sd=1.5 %"}, dir).status, 0);
  fs::remove_all(dir);
}

// An option shaping an output that is not asked for was silently ignored.
TEST(Outputs, AnOptionForAnOutputNotAskedForIsRefused) {
  fs::path dir = fresh_dir("orphan-option");
  Exit why = run_cogsim({"run", kModel, "-n", "100", "--report-why", "3"}, dir);
  EXPECT_EQ(why.status, 2) << why.err;
  EXPECT_NE(why.err.find("--report-why adds a section to the report: give --report FILE.html too"), std::string::npos) << why.err;
  Exit dialect = run_cogsim({"run", kModel, "-n", "100", "--csv-dialect", "excel-fr"}, dir);
  EXPECT_EQ(dialect.status, 2) << dialect.err;
  EXPECT_NE(dialect.err.find("--csv-dialect says how --csv writes its tables"), std::string::npos) << dialect.err;
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// Each file of a run failing in turn (as on a full disk), then each rename of the commit: the
// outputs of the previous run are untouched and no temporary is left.
TEST(Outputs, AFailureHalfwayChangesNothing) {
  fs::path dir = fresh_dir("fault");
  ASSERT_EQ(run_cogsim(run_all(dir, "1"), dir).status, 0);
  const auto before = snapshot(dir);
  ASSERT_EQ(before.size(), 7u);  // r.json, r.html and the five tables
  // Staged files: 1 r.json, 2 r.html, 3..7 the tables; renames: 1 r.json, 2 r.html, 3 the folder.
  std::vector<std::string> faults;
  for (int n = 1; n <= 7; ++n) faults.push_back("write:" + std::to_string(n));
  for (int n = 1; n <= 3; ++n) faults.push_back("rename:" + std::to_string(n));
  for (const auto& f : faults) {
    Exit x = run_cogsim(run_all(dir, "2"), dir, {f});
    EXPECT_EQ(x.status, 4) << f << ": " << x.err;
    EXPECT_NE(x.err.find("no file written or replaced"), std::string::npos) << x.err;
    EXPECT_TRUE(snapshot(dir) == before) << f << ": a previous output changed";
    EXPECT_EQ(temporaries(dir), std::vector<std::string>{}) << f;
  }
  // Without a fault the same command replaces all of them.
  ASSERT_EQ(run_cogsim(run_all(dir, "2"), dir).status, 0);
  const auto after = snapshot(dir);
  for (const char* name : {"r.json", "r.html", "tables/outputs.csv", "tables/run.csv"})
    EXPECT_NE(after.at(name), before.at(name)) << name;
  fs::remove_all(dir);
}

// A real fault, not an injected one: the process may not grow a file past 100 kB (RLIMIT_FSIZE),
// so the JSON (about 57 kB) is written and the HTML report (about 180 kB) fails after it.
TEST(Outputs, AReportThatFailsAfterTheJsonLeavesTheOldJson) {
  fs::path dir = fresh_dir("fsize");
  const std::string j = (dir / "r.json").string(), h = (dir / "r.html").string();
  auto args = [&](const std::string& seed) {
    return std::vector<std::string>{"run", kModel, "-n", "1000", "-q", "-s", seed, "--json", j, "--report", h};
  };
  ASSERT_EQ(run_cogsim(args("1"), dir).status, 0);
  ASSERT_LT(fs::file_size(j), 100000u);
  ASSERT_GT(fs::file_size(h), 100000u);
  const auto before = snapshot(dir);
  Exit x = run_cogsim(args("2"), dir, {"", 100000});
  EXPECT_EQ(x.status, 4) << x.err;
  EXPECT_NE(x.err.find("r.html"), std::string::npos) << x.err;
  EXPECT_TRUE(snapshot(dir) == before);
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
  // compare: its page is smaller than its JSON, so the fault is injected (the 2nd file staged).
  const std::string cj = (dir / "c.json").string(), ch = (dir / "c.html").string();
  auto cargs = [&](const std::string& seed) {
    return std::vector<std::string>{"compare", kModel, kVariant, "-n", "1000", "-q", "-s", seed, "--json", cj,
                                    "--report", ch};
  };
  ASSERT_EQ(run_cogsim(cargs("1"), dir).status, 0);
  const auto before_compare = snapshot(dir);
  x = run_cogsim(cargs("2"), dir, {"write:2"});
  EXPECT_EQ(x.status, 4) << x.err;
  EXPECT_TRUE(snapshot(dir) == before_compare);
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
  fs::remove_all(dir);
}

// SIGINT or SIGTERM while the outputs are being written: nothing replaced, no temporary left,
// and the process dies of the signal (so a shell sees it was interrupted).
TEST(Outputs, ASignalDuringTheWriteLeavesNothingBehind) {
  fs::path dir = fresh_dir("signal");
  ASSERT_EQ(run_cogsim(run_all(dir, "1"), dir).status, 0);
  const auto before = snapshot(dir);
  for (int sig : {SIGINT, SIGTERM})
    for (const char* at : {"pause:1", "pause:4"}) {  // after the JSON; inside the CSV folder
      Child c = start(run_all(dir, "2"), dir, {at});
      bool seen = false;  // wait for a temporary to appear: the command is then writing
      for (int i = 0; i < 600 && !seen; ++i) {
        seen = !temporaries(dir).empty();
        if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      EXPECT_TRUE(seen) << at;
      ::kill(c.pid, sig);
      Exit x = finish(c);
      EXPECT_EQ(x.signal, sig) << at << " status " << x.status << " " << x.err;
      EXPECT_TRUE(snapshot(dir) == before) << at;
      EXPECT_EQ(temporaries(dir), std::vector<std::string>{}) << at;
    }
  fs::remove_all(dir);
}

TEST(Outputs, ACsvFolderIsReplacedAsAWholeAndOnlyIfItHoldsTables) {
  fs::path dir = fresh_dir("csv");
  const fs::path t = dir / "tables";
  fs::create_directory(t);
  std::ofstream(t / "run.csv") << "stale";
  std::ofstream(t / "notes.txt") << "mine";
  Exit x = run_cogsim({"run", kModel, "-n", "100", "-q", "--csv", t.string()}, dir);
  EXPECT_EQ(x.status, 4) << x.err;
  EXPECT_NE(x.err.find("notes.txt"), std::string::npos) << x.err;
  EXPECT_EQ(slurp(t / "notes.txt"), "mine");
  EXPECT_EQ(slurp(t / "run.csv"), "stale");
  fs::remove(t / "notes.txt");
  ASSERT_EQ(run_cogsim({"run", kModel, "-n", "100", "-q", "--csv", t.string()}, dir).status, 0);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(t)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::vector<std::string> expected(std::begin(cogsim::app::kCsvTableNames), std::end(cogsim::app::kCsvTableNames));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
  EXPECT_NE(slurp(t / "run.csv"), "stale");
  EXPECT_EQ(temporaries(dir), std::vector<std::string>{});
  fs::remove_all(dir);
}

// The transaction itself, in-process: a commit whose second rename fails puts the first file back.
TEST(Outputs, OutputSetPutsBackWhatItPlacedWhenACommitFails) {
  fs::path dir = fresh_dir("set");
  std::ofstream(dir / "a") << "old a";
  cogsim::app::OutputSet set;
  EXPECT_EQ(set.add_file((dir / "a").string(), "new a"), "");
  EXPECT_EQ(set.add_file((dir / "b").string(), "new b"), "");
  fs::remove(dir / ("b.tmp." + std::to_string(::getpid())));  // b's temporary vanishes: its rename fails
  EXPECT_NE(set.commit(), "");
  EXPECT_EQ(slurp(dir / "a"), "old a");
  EXPECT_FALSE(fs::exists(dir / "b"));
  EXPECT_FALSE(fs::exists(dir / ("a.tmp." + std::to_string(::getpid()))));
  fs::remove_all(dir);
}

// A file name that is not UTF-8 (given on the command line, copied into meta.file) does not abort
// the JSON writer: the byte becomes U+FFFD and the file is written.
TEST(Outputs, AFileNameThatIsNotUtf8DoesNotAbortTheJson) {
  fs::path dir = fresh_dir("latin1");
  const fs::path model = dir / "r\xE9sultat.cog";
  std::ofstream(model) << "model \"m\" base 2019 years 2020..2021\nvar x[t in 2020..2021] = normal(0, 1)\noutput x\n";
  Exit x = run_cogsim({"run", model.string(), "-n", "100", "-q", "--json", (dir / "r.json").string()}, dir);
  ASSERT_EQ(x.status, 0) << x.err;
  const std::string text = slurp(dir / "r.json");
  EXPECT_NE(text.find("r\xEF\xBF\xBDsultat.cog"), std::string::npos);
  fs::remove_all(dir);
}

// ---- CSV dialects ------------------------------------------------------------------------------

namespace {

// RFC 4180 rows split on `sep` (quoted fields may hold the separator, quotes and line ends).
std::vector<std::vector<std::string>> split_csv(const std::string& text, char sep) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
    else if (c == '"') quoted = !quoted;
    else if (!quoted && c == sep) rows.back().push_back(field), field.clear();
    else if (!quoted && c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
      rows.back().push_back(field), field.clear(), rows.emplace_back(), ++i;
    else field += c;
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// The whole field as a double, or nullopt.
std::optional<double> whole_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return *end == '\0' ? std::optional<double>(v) : std::nullopt;
}

}  // namespace

// `--csv-dialect excel-fr` writes the tables of the tidy default with ';', a decimal comma and a
// BOM: read back, every number and every text is the same (a label holding ';' included).
TEST(Outputs, ExcelFrCsvHoldsTheSameTablesAsTheTidyDefault) {
  fs::path dir = fresh_dir("dialect");
  const fs::path model = dir / "m.cog";
  std::ofstream(model) << "model \"m\" base 2019 years 2020..2021\n"
                          "var x[t in 2020..2021] : € \"Solde; en euros\" = normal(1234.5 €, 300 €)\n"
                          "indicator 1 on x { 2020: at_least(0 €), 2021: at_least(1300.25 €) }\n"
                          "event high[t in 2020..2021] = x[t] > 1500 €\noutput x\n";
  const std::vector<std::string> base = {"run", model.string(), "-n", "1000", "-q", "--threads", "2", "--csv"};
  auto args = base;
  args.push_back((dir / "tidy").string());
  ASSERT_EQ(run_cogsim(args, dir).status, 0);
  args = base;
  for (const char* a : {"fr", "--csv-dialect", "excel-fr"}) args.push_back(a);
  args[args.size() - 3] = (dir / "fr").string();
  Exit x = run_cogsim(args, dir);
  ASSERT_EQ(x.status, 0) << x.err;
  const std::string bom = "\xEF\xBB\xBF";
  bool label_seen = false;
  std::size_t numbers = 0;
  for (const char* name : cogsim::app::kCsvTableNames) {
    const std::string tidy = slurp(dir / "tidy" / name), fr = slurp(dir / "fr" / name);
    EXPECT_NE(tidy.rfind(bom, 0), 0u) << name;
    ASSERT_EQ(fr.rfind(bom, 0), 0u) << name;
    const auto t = split_csv(tidy, ','), f = split_csv(fr.substr(bom.size()), ';');
    ASSERT_EQ(t.size(), f.size()) << name;
    ASSERT_GT(t.size(), 1u) << name;
    for (std::size_t i = 0; i < t.size(); ++i) {
      ASSERT_EQ(t[i].size(), f[i].size()) << name << " row " << i;
      if (t[i][0] == "wall_seconds" || t[i][0] == "generated_at") continue;  // differ from run to run
      for (std::size_t j = 0; j < t[i].size(); ++j) {
        label_seen |= f[i][j] == "Solde; en euros";
        auto v = whole_number(t[i][j]);
        if (!v || t[i][j].find('.') == std::string::npos) {
          EXPECT_EQ(f[i][j], t[i][j]) << name << " row " << i;
          continue;
        }
        std::string dotted = f[i][j];
        EXPECT_EQ(dotted.find('.'), std::string::npos) << name << ": " << dotted;
        std::replace(dotted.begin(), dotted.end(), ',', '.');
        ASSERT_TRUE(whole_number(dotted)) << name << ": " << f[i][j];
        EXPECT_EQ(*whole_number(dotted), *v) << name << " row " << i;
        ++numbers;
      }
    }
  }
  EXPECT_TRUE(label_seen);
  EXPECT_GT(numbers, 30u);  // the fractional ones (whole numbers read the same in both)
  EXPECT_NE(slurp(dir / "fr" / "labels.csv").find("\"Solde; en euros\""), std::string::npos);
  fs::remove_all(dir);
}
