// The reports of `cogsim run`: --report (HTML, opened in headless Chromium), --xlsx (read back from
// the zip's XML) and --csv (parsed back), each checked against the JSON results file of the same run.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/compiler.hpp"
#include "engine/stats.hpp"
#include "src/report_csv.hpp"
#include "src/report_html.hpp"
#include "src/report_xlsx.hpp"

namespace fs = std::filesystem;
using namespace cogsim::app::report;
using nlohmann::json;

namespace {

// RM1's names (tests may know the model; the C++ under test does not): an entity's result, and the
// series of the budget funds, as its report.cog groups them.
bool is_entity_output(const std::string& name) { return name.rfind("resultat.", 0) == 0 && name != "resultat.total"; }
bool is_fund_output(const std::string& name) {
  for (const char* f : {"bnass.", "bnpps.", "bnga."})
    if (name.rfind(f, 0) == 0) return true;
  return false;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Exit status of a shell command.
int sh(const std::string& cmd) {
  int raw = std::system(cmd.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// Standard output of a shell command (binary-safe).
std::string capture(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int raw = ::pclose(f);
  if (status) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

fs::path fresh_dir(const std::string& tag) {
  std::string templ = (fs::temp_directory_path() / ("cogsim-" + tag + "-XXXXXX")).string();
  char* d = ::mkdtemp(templ.data());
  return d ? fs::path(d) : fs::path();
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

bool close_rel(double a, double b, double rel = 1e-9) {
  return a == b || std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

// ---- One run of the shipped COG scenario with every writer, shared by the tests below ----------

struct ReportRun {
  fs::path dir, json_path, html, xlsx, csv;
  json j;
  int status = -1;
  std::string stderr_text;
};

const ReportRun& the_run() {
  static ReportRun run = [] {
    ReportRun r;
    r.dir = fresh_dir("report");
    r.json_path = r.dir / "results.json";
    r.html = r.dir / "rapport.html";
    r.xlsx = r.dir / "resultats.xlsx";
    r.csv = r.dir / "tables";
    std::string cmd = std::string("\"") + COGSIM_EXE + "\" run \"" + COGSIM_SOURCE_DIR +
                      "/scenarios/cog-2022-2024\" --paths 20000 --quiet --json \"" + r.json_path.string() +
                      "\" --report \"" + r.html.string() + "\" --xlsx \"" + r.xlsx.string() + "\" --csv \"" +
                      r.csv.string() + "\" 2>\"" + (r.dir / "stderr.txt").string() + "\"";
    r.status = sh(cmd);
    r.stderr_text = slurp(r.dir / "stderr.txt");
    if (r.status == 0) r.j = json::parse(slurp(r.json_path));
    static fs::path to_remove = r.dir;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(to_remove, ec);
    });
    return r;
  }();
  return run;
}

#define REQUIRE_RUN()                                                   \
  const ReportRun& run = the_run();                                     \
  ASSERT_EQ(run.status, 0) << "cogsim run failed: " << run.stderr_text; \
  [[maybe_unused]] const json& J = run.j

// ---- A minimal XLSX reader: unzip -p, then the few XML elements a workbook's cells need ---------

std::string unzip(const fs::path& zip, const std::string& member) {
  int st = -1;
  std::string out = capture("unzip -p \"" + zip.string() + "\" \"" + member + "\" 2>/dev/null", &st);
  EXPECT_EQ(st, 0) << "unzip -p " << zip << " " << member
                   << " failed (is `unzip` installed? scripts/install-deps.sh installs it)";
  return out;
}

std::string xml_unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    std::size_t semi = s.find(';', i);
    std::string ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out += '&';
    else if (ent == "lt")
      out += '<';
    else if (ent == "gt")
      out += '>';
    else if (ent == "quot")
      out += '"';
    else if (ent == "apos")
      out += '\'';
    else
      out += "&" + ent + ";";
    i = semi;
  }
  return out;
}

// Attribute `name` of the start tag `tag` ("" when absent).
std::string attr(const std::string& tag, const std::string& name) {
  std::string key = " " + name + "=\"";
  std::size_t at = tag.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return xml_unescape(tag.substr(at, tag.find('"', at) - at));
}

// Every element <name ...> ... </name> or <name .../> of `xml`: (start tag, inner text).
std::vector<std::pair<std::string, std::string>> elements(const std::string& xml, const std::string& name) {
  std::vector<std::pair<std::string, std::string>> v;
  std::string open = "<" + name;
  for (std::size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    char next = xml[at + open.size()];
    if (next != ' ' && next != '>' && next != '/') continue;
    std::size_t end = xml.find('>', at);
    std::string tag = xml.substr(at, end - at + 1);
    std::string inner;
    if (tag[tag.size() - 2] != '/') {
      std::size_t close = xml.find("</" + name + ">", end);
      inner = xml.substr(end + 1, close - end - 1);
    }
    v.emplace_back(tag, inner);
  }
  return v;
}

struct Cell {
  std::string type;    // the t attribute: "" or "n" for a number, "s" shared string, "str", "inlineStr"…
  std::string raw;     // <v>
  std::string text;    // the string, for string cells
  std::string format;  // the number format's code
  bool numeric() const { return (type.empty() || type == "n") && !raw.empty(); }
  double number() const { return std::strtod(raw.c_str(), nullptr); }
};

struct Workbook {
  std::vector<std::string> sheet_names;
  std::vector<std::map<std::pair<int, int>, Cell>> sheets;  // (row, column), 1-based

  explicit Workbook(const fs::path& zip) {
    for (const auto& [tag, inner] : elements(unzip(zip, "xl/workbook.xml"), "sheet"))
      sheet_names.push_back(attr(tag, "name"));
    std::vector<std::string> strings;
    for (const auto& [tag, inner] : elements(unzip(zip, "xl/sharedStrings.xml"), "si")) {
      std::string s;
      for (const auto& [t, text] : elements(inner, "t")) s += xml_unescape(text);
      strings.push_back(s);
    }
    std::string styles = unzip(zip, "xl/styles.xml");
    std::map<std::string, std::string> codes = {
        {"0", "General"}, {"1", "0"}, {"2", "0.00"}, {"9", "0%"}, {"10", "0.00%"}};
    for (const auto& [tag, inner] : elements(styles, "numFmt")) codes[attr(tag, "numFmtId")] = attr(tag, "formatCode");
    std::vector<std::string> xf_format;
    std::size_t xfs = styles.find("<cellXfs");
    std::string cell_xfs = styles.substr(xfs, styles.find("</cellXfs>", xfs) - xfs);
    for (const auto& [tag, inner] : elements(cell_xfs, "xf")) xf_format.push_back(codes[attr(tag, "numFmtId")]);
    for (std::size_t i = 0; i < sheet_names.size(); ++i) {
      std::map<std::pair<int, int>, Cell> cells;
      std::string xml = unzip(zip, "xl/worksheets/sheet" + std::to_string(i + 1) + ".xml");
      for (const auto& [tag, inner] : elements(xml, "c")) {
        std::string ref = attr(tag, "r");
        int col = 0;
        std::size_t k = 0;
        for (; k < ref.size() && std::isupper(static_cast<unsigned char>(ref[k])); ++k)
          col = col * 26 + (ref[k] - 'A' + 1);
        int row = std::stoi(ref.substr(k));
        Cell c;
        c.type = attr(tag, "t");
        auto v = elements(inner, "v");
        if (!v.empty()) c.raw = v[0].second;
        if (c.type == "s")
          c.text = strings.at(std::stoul(c.raw));
        else if (c.type == "inlineStr" || c.type == "str")
          c.text = xml_unescape(elements(inner, "t").empty() ? c.raw : elements(inner, "t")[0].second);
        std::string s = attr(tag, "s");
        c.format = xf_format.at(s.empty() ? 0 : std::stoul(s));
        cells[{row, col}] = c;
      }
      sheets.push_back(std::move(cells));
    }
  }
  // The sheet named `name`.
  const std::map<std::pair<int, int>, Cell>& sheet(const std::string& name) const {
    for (std::size_t i = 0; i < sheet_names.size(); ++i)
      if (sheet_names[i] == name) return sheets[i];
    throw std::runtime_error("no sheet " + name);
  }
};

// Column of the header `name` in row 1 (0 when absent).
int column(const std::map<std::pair<int, int>, Cell>& s, const std::string& name) {
  for (const auto& [rc, c] : s)
    if (rc.first == 1 && c.text == name) return rc.second;
  return 0;
}
int last_row(const std::map<std::pair<int, int>, Cell>& s) { return s.empty() ? 0 : s.rbegin()->first.first; }

// ---- An RFC 4180 reader ------------------------------------------------------------------------

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true, any = true;
    } else if (c == ',') {
      row.push_back(field), field.clear(), any = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
      any = false, ++i;
    } else {
      field += c, any = true;
    }
  }
  if (any || !field.empty()) row.push_back(field), rows.push_back(row);
  return rows;
}

double parse_double(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  EXPECT_TRUE(!s.empty() && *end == '\0') << "not a number: '" << s << "'";
  return v;
}

// ---- Headless Chromium -------------------------------------------------------------------------

const char* const kChromium = "/usr/bin/chromium";

struct Render {
  int status = -1;
  fs::path out;
  std::string console, dom, netlog, png;
};

Render render(const fs::path& html, const std::string& tag) {
  Render r;
  r.out = fresh_dir(tag);
  r.status = sh(std::string("\"") + COGSIM_SOURCE_DIR + "/tests/browser/render.sh\" \"" + html.string() + "\" \"" +
                r.out.string() + "\" 1280 4000 2>\"" + (r.out / "render.err").string() + "\"");
  r.console = slurp(r.out / "console.log");
  r.dom = slurp(r.out / "dom.html");
  r.netlog = slurp(r.out / "netlog.json");
  r.png = slurp(r.out / "screenshot.png");
  return r;
}

// Page console messages (console.error, uncaught exceptions, failed loads) in Chromium's log.
std::vector<std::string> console_messages(const std::string& log) {
  std::vector<std::string> v;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(":CONSOLE") != std::string::npos) v.push_back(line);
  return v;
}
// Requests made on behalf of the page: their network isolation key is the file:// origin (the
// browser's own background requests have none).
std::size_t page_requests(const std::string& netlog) { return count(netlog, "\"network_isolation_key\":\"file://"); }

}  // namespace

// ---- French formatting -------------------------------------------------------------------------

TEST(ReportFormat, FrenchNumbers) {
  const std::string thin = "\u202f", nb = "\u00a0", minus = "\u2212";
  EXPECT_EQ(fr_number(1234567.891, 2), "1" + thin + "234" + thin + "567,89");
  EXPECT_EQ(fr_number(999, 0), "999");
  EXPECT_EQ(fr_number(1000, 0), "1" + thin + "000");
  EXPECT_EQ(fr_number(-0.04, 1), "0,0");  // no "−0,0"
  EXPECT_EQ(fr_euros(-841654.536), minus + "841" + thin + "655" + nb + "€");
  EXPECT_EQ(fr_euros(0), "0" + nb + "€");
  EXPECT_EQ(fr_percent(0.554), "55,4" + nb + "%");
  EXPECT_EQ(fr_percent(0.0716, 1), "7,2" + nb + "%");
  EXPECT_EQ(fr_probability({0, 100}), "0" + nb + "%");
  EXPECT_EQ(fr_probability({100, 100}), "100" + nb + "%");
  EXPECT_EQ(fr_probability({1, 1000000}), "<" + nb + "0,1" + nb + "%");
  EXPECT_EQ(fr_probability({999999, 1000000}), ">" + nb + "99,9" + nb + "%");
  EXPECT_EQ(fr_probability({554, 1000}), "55,4" + nb + "%");
  EXPECT_EQ(html_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
}

TEST(ReportCsv, FieldsQuotedAsRfc4180) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("COG 2022-2024, Fiche 12"), "\"COG 2022-2024, Fiche 12\"");
  EXPECT_EQ(csv_field("« a \"b\" »"), "\"« a \"\"b\"\" »\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_number(0.1), "0.1");
  EXPECT_EQ(csv_number(-1683309.0720000006), "-1683309.0720000006");
  EXPECT_EQ(csv_number(NAN), "");
  auto rows = parse_csv("a,b\r\n" + csv_field("x, \"y\"") + "," + csv_field("l1\r\nl2") + "\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "x, \"y\"");
  EXPECT_EQ(rows[1][1], "l1\r\nl2");
}

// The histogram's CDF from the quantile sketch agrees with the exact empirical CDF to the sketch's
// relative accuracy, on both signs.
TEST(ReportSketch, CountAtMostMatchesEmpiricalCdf) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> d(-2e6, 1.5e6);
  std::vector<double> xs(50000);
  cogsim::engine::QuantileSketch s(1e-3);
  for (double& x : xs) s.add(x = d(rng));
  std::sort(xs.begin(), xs.end());
  auto exact = [&](double x) { return std::uint64_t(std::upper_bound(xs.begin(), xs.end(), x) - xs.begin()); };
  EXPECT_EQ(sketch_count_at_most(s, xs.front() * 1.01), 0u);  // below the smallest (negative)
  EXPECT_EQ(sketch_count_at_most(s, xs.back() * 1.01), xs.size());
  for (double x = -7e6; x <= 3e6; x += 2.5e5) {
    double slack = 2e-3 * std::fabs(x) + 1;
    std::uint64_t c = sketch_count_at_most(s, x);
    EXPECT_LE(exact(x - slack), c) << x;
    EXPECT_LE(c, exact(x + slack)) << x;
  }
  cogsim::engine::QuantileSketch empty;
  EXPECT_EQ(sketch_count_at_most(empty, 0), 0u);
}

// ---- The command line --------------------------------------------------------------------------

TEST(ReportCli, ReportsNeedAMonteCarloRun) {
  fs::path dir = fresh_dir("report-central");
  std::string cmd = std::string(COGSIM_EXE) + " run " + COGSIM_SOURCE_DIR +
                    "/scenarios/cog-2022-2024 --central --report " + (dir / "r.html").string() +
                    " 2>/dev/null >/dev/null";
  EXPECT_EQ(sh(cmd), 2);
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  fs::remove_all(dir);
}

TEST(ReportCli, UnwritableDestinationsFailBeforeRunning) {
  fs::path dir = fresh_dir("report-unwritable");
  const std::string base =
      std::string(COGSIM_EXE) + " run " + COGSIM_SOURCE_DIR + "/scenarios/cog-2022-2024 -n 1000 -q ";
  for (const std::string& opt :
       {"--report " + (dir / "missing/r.html").string(), "--xlsx " + (dir / "missing/r.xlsx").string(),
        "--csv " + (dir / "missing/sub/tables").string(),
        "--json " + (dir / "ok.json").string() + " --csv " + (dir / "missing/tables").string()}) {
    std::string err = capture(base + opt + " 2>&1");
    EXPECT_EQ(sh(base + opt + " 2>/dev/null"), 4) << opt;
    EXPECT_NE(err.find("does not exist"), std::string::npos) << err;
  }
  EXPECT_FALSE(fs::exists(dir / "ok.json")) << "nothing is written when one destination is bad";
  // A file where the CSV folder should be.
  std::ofstream(dir / "afile") << "x";
  EXPECT_EQ(sh(base + "--csv " + (dir / "afile").string() + " 2>/dev/null"), 4);
  // An existing folder is fine (the tables are replaced one by one, atomically).
  fs::create_directory(dir / "tables");
  EXPECT_EQ(sh(base + "--csv " + (dir / "tables").string() + " 2>/dev/null"), 0);
  EXPECT_TRUE(fs::exists(dir / "tables/outputs.csv"));
  fs::remove_all(dir);
}

// ---- HTML --------------------------------------------------------------------------------------

TEST(ReportHtml, SelfContainedAndInTheCogsWording) {
  REQUIRE_RUN();
  std::string html = slurp(run.html);
  ASSERT_GT(html.size(), 20000u);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  // Nothing that could reach the network: no URL, no external resource, no script.
  for (const char* bad : {"http://", "https://", "//cdn", "src=", "<script", "<link", "@import", "url(", "<img",
                          "<iframe", "<object", "<embed", "@font-face"})
    EXPECT_EQ(html.find(bad), std::string::npos) << "the report holds '" << bad << "'";
  for (std::size_t at = html.find("href=\""); at != std::string::npos; at = html.find("href=\"", at + 1))
    EXPECT_EQ(html[at + 6], '#') << "a link that leaves the page: " << html.substr(at, 60);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("break-before: page"), std::string::npos);
  // The sections.
  for (const char* id : {"synthese", "indicateurs", "partie-2", "partie-3", "partie-4", "methode"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  // Their titles and the headline come from the model's `report` lines (scenarios/…/report.cog).
  for (const char* title : {"<h2>Résultat de chaque entité : trajectoire et distribution</h2>",
                            "<h2>Réserve du FNMO</h2>", "<h2>Fonds budgétaires (BNASS, BNPPS, BNGA)</h2>"})
    EXPECT_NE(html.find(title), std::string::npos) << title;
  // Labels and sources come from the rules files, escaped.
  for (const auto& [id, ind] : J["indicators"].items()) {
    EXPECT_NE(html.find(html_escape(ind["label"].get<std::string>())), std::string::npos) << id;
    EXPECT_NE(html.find(html_escape(ind["source"].get<std::string>())), std::string::npos) << id;
  }
  for (const auto& [name, s] : J["series"].items())
    if (is_fund_output(name) || is_entity_output(name)) {
      EXPECT_NE(html.find(html_escape(s["label"].get<std::string>())), std::string::npos) << name;
    }
  // Headline figures, in the French way, and the inputs of the run.
  double all_met = J["events"]["all_met"]["2024"], negative = J["events"]["fnmo.negative"]["2024"];
  EXPECT_NE(html.find(fr_percent(all_met)), std::string::npos);
  EXPECT_NE(html.find(fr_percent(negative)), std::string::npos);
  EXPECT_NE(html.find(fr_euros(J["indicators"]["8"]["years"]["2024"]["target"])), std::string::npos);
  EXPECT_NE(html.find("20\u202f000"), std::string::npos);
  EXPECT_NE(html.find("scenarios/cog-2022-2024"), std::string::npos);
  EXPECT_NE(html.find("Erreurs-types</dt><dd>trajectoires indépendantes (écart-type / √n)"), std::string::npos);
  // One fan chart and one histogram per entity, the FNMO fan and its probabilities.
  std::size_t entities = 0;
  for (const auto& [name, s] : J["series"].items()) entities += is_entity_output(name);
  EXPECT_EQ(entities, 12u);
  // Three charts per entity (fan, histogram, S-curve), plus the convergence card: the 2 headline
  // events and the 3 indicators most at risk.
  EXPECT_EQ(count(html, "<svg"), 3 * entities + 2 + 5);
  EXPECT_EQ(count(html, "<svg class=\"chart cdf\""), entities);
  // Every RM1 target is one-sided: each card whose target is missed on some path says by how much
  // (the matériel médical's excédent is met on every path).
  std::size_t missed = 0;
  for (const auto& [id, ind] : J["indicators"].items()) missed += ind["years"]["2024"]["p_met"].get<double>() < 1;
  EXPECT_GE(missed, 10u);
  EXPECT_EQ(count(html, "<p class=\"cap miss\">Quand la cible est manquée ("), missed);
  EXPECT_EQ(count(html, "<svg class=\"chart conv\""), 5u);
  EXPECT_EQ(count(html, "class=\"card entity\""), entities);
  // The table: every indicator and year, coloured by risk.
  EXPECT_EQ(count(html, "<td class=\"pc "), 36u);
}

TEST(ReportHtml, OpensInHeadlessChromiumOfflineWithoutErrors) {
  REQUIRE_RUN();
  ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: the report test opens the report in headless "
                                     << "Chromium; run scripts/install-deps.sh (package chromium)";
  Render r = render(run.html, "report-render");
  ASSERT_EQ(r.status, 0) << slurp(r.out / "render.err");
  // It loads without a console message and without a single network request.
  EXPECT_TRUE(console_messages(r.console).empty()) << console_messages(r.console).front();
  ASSERT_NE(r.netlog.find("\"constants\""), std::string::npos) << "no network log was written";
  EXPECT_EQ(page_requests(r.netlog), 0u) << "the page made network requests; see " << r.out / "netlog.json";
  // The screenshot: a PNG 1280 pixels wide with something drawn on it.
  ASSERT_GT(r.png.size(), 100000u) << "screenshot too small to hold the report";
  ASSERT_EQ(r.png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t(std::uint8_t(r.png[at])) << 24) | (std::uint32_t(std::uint8_t(r.png[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(r.png[at + 2])) << 8) | std::uint32_t(std::uint8_t(r.png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 4000u);
  // The DOM Chromium built holds the sections and the charts.
  for (const char* id : {"synthese", "indicateurs", "partie-2", "partie-3", "partie-4", "methode"})
    EXPECT_NE(r.dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(count(r.dom, "<svg"), 43u);  // 36 entity charts, the FNMO fan and bars, 5 convergence charts
  EXPECT_NE(r.dom.find("Réduire le déficit des centres de santé à moins de 10 M€"), std::string::npos);
  fs::remove_all(r.out);
}

// The two checks above catch what they look for: a page with a remote image, a stylesheet and a
// console error is flagged.
TEST(ReportHtml, BrowserCheckCatchesNetworkRequestsAndConsoleErrors) {
  ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: run scripts/install-deps.sh (package chromium)";
  fs::path dir = fresh_dir("report-bad");
  std::ofstream(dir / "bad.html") << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>x</title>"
                                     "<link rel=\"stylesheet\" href=\"https://cdn.example.invalid/x.css\"></head>"
                                     "<body><img src=\"http://example.invalid/a.png\">"
                                     "<script>console.error('boom')</script></body></html>";
  Render r = render(dir / "bad.html", "report-bad-render");
  ASSERT_EQ(r.status, 0);
  EXPECT_GE(page_requests(r.netlog), 2u);
  EXPECT_FALSE(console_messages(r.console).empty());
  fs::remove_all(r.out);
  fs::remove_all(dir);
}

// ---- XLSX --------------------------------------------------------------------------------------

TEST(ReportXlsx, FiguresAreNumbersEqualToTheJson) {
  REQUIRE_RUN();
  Workbook wb(run.xlsx);
  ASSERT_EQ(wb.sheet_names, std::vector<std::string>(std::begin(kXlsxSheets), std::end(kXlsxSheets)));
  auto euro = [](const Cell& c) { return c.format.find("€") != std::string::npos; };
  auto pct = [](const Cell& c) { return c.format.find('%') != std::string::npos; };

  // Indicateurs: one row per indicator and year.
  const auto& ind = wb.sheet("Indicateurs");
  int c_id = column(ind, "n°"), c_year = column(ind, "Année"), c_target = column(ind, "Cible"),
      c_p = column(ind, "P(atteint)"), c_se = column(ind, "Erreur type"), c_lo = column(ind, "IC 95 % bas");
  ASSERT_TRUE(c_id && c_year && c_target && c_p && c_se && c_lo);
  std::size_t rows = 0;
  for (int row = 2; row <= last_row(ind); ++row) {
    const Cell &id = ind.at({row, c_id}), &year = ind.at({row, c_year}), &target = ind.at({row, c_target}),
               &p = ind.at({row, c_p}), &se = ind.at({row, c_se}), &lo = ind.at({row, c_lo});
    for (const Cell* c : {&id, &year, &target, &p, &se, &lo}) ASSERT_TRUE(c->numeric()) << "row " << row;
    const json& y = J["indicators"][std::to_string(int(id.number()))]["years"][std::to_string(int(year.number()))];
    ASSERT_FALSE(y.is_null()) << "row " << row;
    EXPECT_TRUE(close_rel(target.number(), y["target"])) << row;
    EXPECT_TRUE(close_rel(p.number(), y["p_met"])) << row;
    EXPECT_TRUE(close_rel(se.number(), y["se"])) << row;
    EXPECT_TRUE(close_rel(lo.number(), y["wilson95"][0])) << row;
    EXPECT_TRUE(euro(target)) << target.format;
    EXPECT_TRUE(pct(p) && pct(se) && pct(lo)) << p.format;
    ++rows;
  }
  std::size_t expected = 0;
  for (const auto& [k, v] : J["indicators"].items()) expected += v["years"].size();
  EXPECT_EQ(rows, expected);

  // Entités: every output and year, every statistic of the JSON.
  const auto& ent = wb.sheet("Entités");
  int c_name = column(ent, "Sortie"), c_y = column(ent, "Année"), c_mean = column(ent, "Moyenne");
  ASSERT_TRUE(c_name && c_y && c_mean);
  const std::vector<std::string> stats = {"mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "se"};
  rows = 0;
  for (int row = 2; row <= last_row(ent); ++row) {
    std::string name = ent.at({row, c_name}).text;
    ASSERT_TRUE(ent.at({row, c_y}).numeric());
    const json& o = J["outputs"][name][std::to_string(int(ent.at({row, c_y}).number()))];
    ASSERT_FALSE(o.is_null()) << name;
    std::string unit = J["series"][name]["unit"];
    for (std::size_t k = 0; k < stats.size(); ++k) {
      const Cell& c = ent.at({row, c_mean + int(k)});
      ASSERT_TRUE(c.numeric()) << name << " " << stats[k];
      EXPECT_TRUE(close_rel(c.number(), o[stats[k]]))
          << name << " " << stats[k] << ": " << c.raw << " vs " << o[stats[k]];
      if (unit == "€") {
        EXPECT_TRUE(euro(c)) << name;
      } else if (unit == "%") {
        EXPECT_TRUE(pct(c)) << name;
      }
    }
    ++rows;
  }
  expected = 0;
  for (const auto& [k, v] : J["outputs"].items()) expected += v.size();
  EXPECT_EQ(rows, expected);

  // Fonds: the budget funds' means and P5–P95.
  const auto& fonds = wb.sheet("Séries");
  int f_name = column(fonds, "Série"), f_year = column(fonds, "Année"), f_mean = column(fonds, "Moyenne"),
      f_p5 = column(fonds, "P5"), f_p95 = column(fonds, "P95");
  rows = 0;
  for (int row = 2; row <= last_row(fonds); ++row) {
    std::string name = fonds.at({row, f_name}).text;
    EXPECT_TRUE(is_fund_output(name)) << name;
    const json& o = J["outputs"][name][std::to_string(int(fonds.at({row, f_year}).number()))];
    for (auto [col, stat] : {std::pair{f_mean, "mean"}, {f_p5, "p5"}, {f_p95, "p95"}}) {
      const Cell& c = fonds.at({row, col});
      ASSERT_TRUE(c.numeric() && euro(c)) << name;
      EXPECT_TRUE(close_rel(c.number(), o[stat])) << name << " " << stat;
    }
    ++rows;
  }
  expected = 0;
  for (const auto& [k, v] : J["outputs"].items()) expected += is_fund_output(k) ? v.size() : 0;
  EXPECT_EQ(rows, expected);
  EXPECT_GE(rows, 10u);

  // Synthèse: the headline probabilities, as percentages.
  const auto& syn = wb.sheet("Synthèse");
  std::set<std::string> found;
  for (const auto& [rc, c] : syn)
    if (c.text == "all_met" || c.text == "fnmo.negative") {
      const Cell& year = syn.at({rc.first, rc.second + 2});
      const Cell& p = syn.at({rc.first, rc.second + 3});
      ASSERT_TRUE(year.numeric() && p.numeric() && pct(p));
      EXPECT_TRUE(close_rel(p.number(), J["events"][c.text][std::to_string(int(year.number()))])) << c.text;
      found.insert(c.text);
    }
  EXPECT_EQ(found.size(), 2u);

  // Paramètres du calcul: counts are numbers.
  const auto& par = wb.sheet("Paramètres du calcul");
  std::map<std::string, const Cell*> params;
  for (int row = 2; row <= last_row(par); ++row) params[par.at({row, 1}).text] = &par.at({row, 2});
  ASSERT_TRUE(params.count("Trajectoires simulées") && params.count("Graine"));
  EXPECT_TRUE(params["Trajectoires simulées"]->numeric());
  EXPECT_EQ(params["Trajectoires simulées"]->number(), 20000);
  EXPECT_EQ(params["Graine"]->number(), 42);
  EXPECT_EQ(params["Fichier de règles"]->text, J["meta"]["file"]);

  // No figure anywhere is a string that looks like a number.
  for (std::size_t i = 0; i < wb.sheets.size(); ++i)
    for (const auto& [rc, c] : wb.sheets[i]) {
      if (c.numeric() || c.text.empty()) continue;
      char* end = nullptr;
      std::strtod(c.text.c_str(), &end);
      EXPECT_FALSE(*end == '\0') << wb.sheet_names[i] << " row " << rc.first << ": number stored as text '" << c.text
                                 << "'";
    }
}

// The model's whole text with runs of spaces collapsed, to find a law as written in it.
std::string collapsed_model_text(const fs::path& folder) {
  std::string all, out;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.path().extension() == ".cog") all += slurp(e.path()) + "\n";
  for (char c : all) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

// Issue 15, workbook: an inputs sheet with one row per uncertain definition (its law as written,
// the values of the params it names), native charts in the XML, conditional colours on P(met),
// landscape print setup one page wide with the header row repeated, widths that fit the labels.
TEST(ReportXlsx, InputsSheetChartsColoursAndPrintSetup) {
  REQUIRE_RUN();
  Workbook wb(run.xlsx);
  const fs::path model = fs::path(COGSIM_SOURCE_DIR) / "scenarios/cog-2022-2024";
  cogsim::dsl::Sources sources;
  const auto compiled = cogsim::dsl::compile_file(model.string(), sources);
  ASSERT_TRUE(compiled.program);
  const auto& hyp = wb.sheet("Hypothèses");
  const int c_name = column(hyp, "Nom"), c_law = column(hyp, "Loi (telle qu'écrite dans le modèle)"),
            c_values = column(hyp, "Paramètres de la loi (valeurs de ce calcul)");
  ASSERT_TRUE(c_name && c_law && c_values);
  ASSERT_EQ(last_row(hyp) - 1, int(compiled.program->draw_groups.size()));
  const std::string text = collapsed_model_text(model);
  for (int row = 2; row <= last_row(hyp); ++row) {
    EXPECT_EQ(hyp.at({row, c_name}).text, compiled.program->draw_groups[std::size_t(row - 2)]) << row;
    const std::string law = hyp.at({row, c_law}).text;
    ASSERT_FALSE(law.empty()) << row;
    std::size_t from = 0;  // each clause's body is in the model as written
    while (from < law.size()) {
      const std::size_t to = law.find(" ; ", from);
      std::string clause = law.substr(from, to == std::string::npos ? std::string::npos : to - from);
      const auto colon = clause.find(": ");
      if (colon != std::string::npos && std::isdigit(static_cast<unsigned char>(clause[0])))
        clause = clause.substr(colon + 2);
      EXPECT_NE(text.find(clause), std::string::npos) << "row " << row << ": " << clause;
      from = to == std::string::npos ? law.size() : to + 3;
    }
  }
  bool rmpp = false;
  for (int row = 2; row <= last_row(hyp); ++row)
    if (hyp.at({row, c_name}).text == "rmpp") {
      rmpp = true;
      const std::string v = hyp.at({row, c_values}).text;
      for (const char* p : {"rmpp_mean = ", "rmpp_beta = ", "rmpp_sd = "}) EXPECT_NE(v.find(p), std::string::npos) << v;
    }
  EXPECT_TRUE(rmpp);

  // Native charts: one line chart per series of the report's tables, reading the Graphiques sheet.
  int charts = 0;
  for (int k = 1;; ++k) {
    int st = 0;
    const std::string xml =
        capture("unzip -p \"" + run.xlsx.string() + "\" xl/charts/chart" + std::to_string(k) + ".xml 2>/dev/null", &st);
    if (st != 0 || xml.empty()) break;
    EXPECT_NE(xml.find("<c:lineChart>"), std::string::npos);
    EXPECT_NE(xml.find("Graphiques"), std::string::npos);
    ++charts;
  }
  EXPECT_GE(charts, 5);

  // P(met) coloured: rules on the P(atteint) column of Indicateurs (column I).
  const std::string ind_xml = unzip(run.xlsx, "xl/worksheets/sheet2.xml");
  ASSERT_EQ(column(wb.sheet("Indicateurs"), "P(atteint)"), 9);
  EXPECT_NE(ind_xml.find("<conditionalFormatting sqref=\"I2:I" + std::to_string(last_row(wb.sheet("Indicateurs"))) +
                         "\">"),
            std::string::npos);
  // Print setup of the tables: landscape, one page wide, the header row on every page.
  const std::string workbook = unzip(run.xlsx, "xl/workbook.xml");
  for (int sheet : {2, 3, 4, 6}) {
    const std::string xml = unzip(run.xlsx, "xl/worksheets/sheet" + std::to_string(sheet) + ".xml");
    EXPECT_NE(xml.find("orientation=\"landscape\""), std::string::npos) << sheet;
    EXPECT_NE(xml.find("fitToPage=\"1\""), std::string::npos) << sheet;
    EXPECT_NE(workbook.find("_xlnm.Print_Titles\" localSheetId=\"" + std::to_string(sheet - 1) + "\""),
              std::string::npos)
        << sheet;
  }
  // Widths fit the labels: the Hypothèses sheet's first column is as wide as its longest label
  // (1.1 width units per character, up to 80).
  std::size_t longest = 0;
  for (int row = 2; row <= last_row(hyp); ++row) {
    std::size_t n = 0;
    for (unsigned char ch : hyp.at({row, 1}).text) n += (ch & 0xC0) != 0x80;
    longest = std::max(longest, n);
  }
  const std::string hyp_xml = unzip(run.xlsx, "xl/worksheets/sheet6.xml");
  const auto col = hyp_xml.find("<col min=\"1\" max=\"1\" width=\"");
  ASSERT_NE(col, std::string::npos);
  EXPECT_GE(std::stod(hyp_xml.substr(col + 28)), std::min(80.0, 1.1 * double(longest)));
}

// The comparison workbook (compare BASE VARIANT --xlsx) of the shipped avenant-cds, read back:
// every indicator- and event-year's P base, P variant, change and standard error are number cells
// equal to the JSON's; the avenant's own series is listed with its value; a moved series' change,
// not an unchanged one; the verdicts follow the model's direction; a native column chart of the
// two scenarios; the print setup of the tables. Several variants with --xlsx are refused.
TEST(ReportXlsx, TheComparisonWorkbookHoldsTheJsonsFiguresAndAChart) {
  const fs::path dir = fresh_dir("cmpxlsx"), xlsx = dir / "c.xlsx", json = dir / "c.json";
  const std::string s = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
  int st = 0;
  capture(std::string(COGSIM_EXE) + " compare " + s + "cog-2022-2024 " + s + "avenant-cds -n 5000 -q --xlsx " +
              xlsx.string() + " --json " + json.string(),
          &st);
  ASSERT_EQ(st, 0);
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  Workbook wb(xlsx);
  ASSERT_EQ(wb.sheet_names.size(), std::size(kCompareSheets));
  for (std::size_t k = 0; k < wb.sheet_names.size(); ++k) EXPECT_EQ(wb.sheet_names[k], kCompareSheets[k]);
  const auto& probs = wb.sheet("Probabilités");
  std::size_t rows = 0, expected = 0;
  for (const char* group : {"indicators", "events"})
    for (const auto& [id, d] : j["delta"][group].items()) expected += d["years"].size();
  bool fnmo_good = false;
  for (int row = 2; row <= last_row(probs); ++row) {
    const bool event = probs.at({row, 1}).text == "événement";
    const Cell& idc = probs.at({row, 2});
    const std::string id = idc.numeric() ? std::to_string(int(idc.number())) : idc.text;
    const std::string year = std::to_string(int(probs.at({row, 4}).number()));
    const auto& y = j["delta"][event ? "events" : "indicators"][id]["years"][year];
    ASSERT_FALSE(y.is_null()) << id << " " << year;
    int col = 5;
    for (const char* k : {"base", "variant", "delta", "se"}) {
      const Cell& c = probs.at({row, col++});
      ASSERT_TRUE(c.numeric()) << id << " " << year << " " << k;
      EXPECT_NEAR(c.number(), y[k].get<double>(), 1e-12) << id << " " << year << " " << k;
      EXPECT_NE(c.format.find('%'), std::string::npos) << k;
    }
    if (event && id == "fnmo.negative" && year == "2024") fnmo_good = probs.at({row, 9}).text == "favorable";
    ++rows;
  }
  EXPECT_EQ(rows, expected);
  EXPECT_TRUE(fnmo_good);  // the reserve's risk of going negative falls: favourable (a `bad` event)
  // The avenant's own series, 1.5 M€ in 2024 on every path.
  const auto& solo = wb.sheet("Propres à la variante");
  bool support = false;
  for (int row = 2; row <= last_row(solo); ++row)
    if (solo.at({row, 1}).text == "support" && solo.at({row, 4}).number() == 2024) {
      support = true;
      EXPECT_EQ(solo.at({row, 3}).text, "variante");
      EXPECT_EQ(solo.at({row, 5}).number(), 1.5e6);
      EXPECT_NE(solo.at({row, 5}).format.find("€"), std::string::npos);
    }
  EXPECT_TRUE(support);
  // The shared series that moved: the centres' result (+1.5 M€ on every path), not Charleville's.
  const auto& series = wb.sheet("Séries");
  bool cds = false;
  for (int row = 2; row <= last_row(series); ++row) {
    EXPECT_NE(series.at({row, 1}).text, "resultat.CHARLEVILLE");
    if (series.at({row, 1}).text == "resultat.CDS" && series.at({row, 4}).number() == 2024) {
      cds = true;
      EXPECT_NEAR(series.at({row, 5}).number(), j["delta"]["outputs"]["resultat.CDS"]["2024"]["mean"].get<double>(),
                  1e-6);
    }
  }
  EXPECT_TRUE(cds);
  // The chart: two series (base, variant) from the Graphique sheet's cells, as columns.
  const std::string chart = unzip(xlsx, "xl/charts/chart1.xml");
  EXPECT_NE(chart.find("<c:barChart>"), std::string::npos);
  EXPECT_EQ(count(chart, "<c:ser>"), 2u);
  EXPECT_NE(chart.find("'Graphique'!$C$2"), std::string::npos);
  EXPECT_NE(chart.find("'Graphique'!$D$2"), std::string::npos);
  const std::string workbook = unzip(xlsx, "xl/workbook.xml");
  for (int sheet : {1, 2, 3}) {
    const std::string xml = unzip(xlsx, "xl/worksheets/sheet" + std::to_string(sheet) + ".xml");
    EXPECT_NE(xml.find("orientation=\"landscape\""), std::string::npos) << sheet;
    EXPECT_NE(xml.find("fitToPage=\"1\""), std::string::npos) << sheet;
    EXPECT_NE(workbook.find("_xlnm.Print_Titles\" localSheetId=\"" + std::to_string(sheet - 1) + "\""),
              std::string::npos)
        << sheet;
  }
  for (int row = 2; row <= last_row(probs); ++row) EXPECT_EQ(probs.at({row, 10}).text, probs.at({2, 10}).text);
}

// Several variants share one workbook: each row names its variant, every variant's probabilities
// are there with the JSON's figures, and the chart has the base and one series per variant.
TEST(ReportXlsx, SeveralVariantsShareTheComparisonWorkbook) {
  const fs::path dir = fresh_dir("cmpxlsx-many"), xlsx = dir / "m.xlsx", json = dir / "m.json";
  const std::string s = std::string(COGSIM_SOURCE_DIR) + "/scenarios/";
  int st = 0;
  const std::string out = capture(std::string(COGSIM_EXE) + " compare " + s + "cog-2022-2024 " + s + "avenant-cds " + s +
                                      "avenant-inflation -n 3000 -q --xlsx " + xlsx.string() + " --json " +
                                      json.string() + " 2>&1",
                                  &st);
  ASSERT_EQ(st, 0) << out;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["variants"].size(), 2u);
  Workbook wb(xlsx);
  const auto& probs = wb.sheet("Probabilités");
  std::map<std::string, std::size_t> rows;  // per variant title
  std::set<std::string> titles;
  for (int row = 2; row <= last_row(probs); ++row) {
    const std::string title = probs.at({row, 10}).text;
    titles.insert(title);
    ++rows[title];
  }
  ASSERT_EQ(titles.size(), 2u);
  std::size_t v = 0;
  for (const std::string& name : {std::string("avenant-cds"), std::string("avenant-inflation")}) {
    std::size_t expected = 0;
    for (const char* group : {"indicators", "events"})
      for (const auto& [id, d] : j["variants"][v]["delta"][group].items()) expected += d["years"].size();
    std::size_t got = 0;
    for (const auto& [title, n] : rows)
      if (title.find(name) != std::string::npos) got += n;
    EXPECT_EQ(got, expected) << name;
    ++v;
  }
  // The second variant's P(indicator 8 met in 2024) is the JSON's.
  const auto& y = j["variants"][1]["delta"]["indicators"]["8"]["years"]["2024"];
  bool found = false;
  for (int row = 2; row <= last_row(probs); ++row)
    if (probs.at({row, 10}).text.find("avenant-inflation") != std::string::npos && probs.at({row, 2}).numeric() &&
        probs.at({row, 2}).number() == 8 && probs.at({row, 4}).number() == 2024) {
      found = true;
      EXPECT_NEAR(probs.at({row, 6}).number(), y["variant"].get<double>(), 1e-12);
      EXPECT_NEAR(probs.at({row, 7}).number(), y["delta"].get<double>(), 1e-12);
    }
  EXPECT_TRUE(found);
  const std::string chart = unzip(xlsx, "xl/charts/chart1.xml");
  EXPECT_EQ(count(chart, "<c:ser>"), 3u);
  EXPECT_NE(chart.find("'Graphique'!$E$2"), std::string::npos);
  fs::remove_all(dir);
}

// ---- CSV ---------------------------------------------------------------------------------------

TEST(ReportCsv, TablesRoundTripTheJsonExactly) {
  REQUIRE_RUN();
  for (const char* f : {"outputs.csv", "indicators.csv", "events.csv", "labels.csv", "run.csv"})
    ASSERT_TRUE(fs::exists(run.csv / f)) << f;
  for (const auto& e : fs::directory_iterator(run.csv))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "temporary file left: " << e.path();

  // outputs.csv: every statistic of every output and year, bit for bit.
  auto rows = parse_csv(slurp(run.csv / "outputs.csv"));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"output", "year", "statistic", "value"}));
  std::size_t expected = 0;
  for (const auto& [name, years] : J["outputs"].items())
    for (const auto& [y, st] : years.items()) expected += st.size();
  EXPECT_EQ(rows.size() - 1, expected);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 4u) << i;
    const json& v = J["outputs"][rows[i][0]][rows[i][1]][rows[i][2]];
    ASSERT_TRUE(v.is_number()) << rows[i][0] << " " << rows[i][1] << " " << rows[i][2];
    EXPECT_EQ(parse_double(rows[i][3]), v.get<double>()) << rows[i][0] << " " << rows[i][1] << " " << rows[i][2];
  }

  // indicators.csv: target, p_met, se and the Wilson interval.
  rows = parse_csv(slurp(run.csv / "indicators.csv"));
  EXPECT_EQ(rows[0], (std::vector<std::string>{"indicator", "year", "statistic", "value"}));
  std::size_t seen = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const json& y = J["indicators"][rows[i][0]]["years"][rows[i][1]];
    ASSERT_FALSE(y.is_null()) << rows[i][0];
    double v = parse_double(rows[i][3]);
    const std::string& st = rows[i][2];
    if (st == "wilson95_low")
      EXPECT_EQ(v, y["wilson95"][0].get<double>());
    else if (st == "wilson95_high")
      EXPECT_EQ(v, y["wilson95"][1].get<double>());
    else {
      ASSERT_TRUE(y.contains(st)) << st;
      EXPECT_EQ(v, y[st].get<double>()) << rows[i][0] << " " << rows[i][1] << " " << st;
    }
    seen += st == "p_met" || st == "target";
  }
  expected = 0;
  for (const auto& [k, v] : J["indicators"].items()) expected += 2 * v["years"].size();
  EXPECT_EQ(seen, expected);

  // events.csv.
  rows = parse_csv(slurp(run.csv / "events.csv"));
  seen = 0;
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i][2] == "p") {
      EXPECT_EQ(parse_double(rows[i][3]), J["events"][rows[i][0]][rows[i][1]].get<double>());
      ++seen;
    }
  expected = 0;
  for (const auto& [k, v] : J["events"].items()) expected += v.size();
  EXPECT_EQ(seen, expected);

  // labels.csv: French labels and sources with commas and quotes survive the quoting.
  std::string labels_text = slurp(run.csv / "labels.csv");
  rows = parse_csv(labels_text);
  std::size_t outputs = 0, indicators = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 6u);
    if (rows[i][0] == "output") {
      const json& s = J["series"][rows[i][1]];
      EXPECT_EQ(rows[i][2], s["label"].get<std::string>());
      EXPECT_EQ(rows[i][3], s["source"].get<std::string>());
      EXPECT_EQ(rows[i][4], s["unit"].get<std::string>());
      ++outputs;
    } else if (rows[i][0] == "indicator") {
      const json& ind = J["indicators"][rows[i][1]];
      EXPECT_EQ(rows[i][2], ind["label"].get<std::string>());
      EXPECT_EQ(rows[i][3], ind["source"].get<std::string>());
      EXPECT_EQ(rows[i][5], ind["on"].get<std::string>());
      ++indicators;
    }
  }
  EXPECT_EQ(outputs, J["series"].size());
  EXPECT_EQ(indicators, J["indicators"].size());
  EXPECT_NE(labels_text.find("\"COG 2022-2024, Fiche 12, indicateur 1\""), std::string::npos);
  // CRLF line ends, UTF-8 without a byte-order mark.
  EXPECT_NE(labels_text.find("\r\n"), std::string::npos);
  EXPECT_EQ(count(labels_text, "\n"), count(labels_text, "\r\n"));
  EXPECT_NE(labels_text.rfind("kind,", 0), std::string::npos);
  EXPECT_NE(labels_text.find("R\u00e9sultat"), std::string::npos);

  // run.csv.
  rows = parse_csv(slurp(run.csv / "run.csv"));
  std::map<std::string, std::string> meta;
  for (const auto& r : rows) meta[r[0]] = r.size() > 1 ? r[1] : "";
  EXPECT_EQ(meta["paths"], "20000");
  EXPECT_EQ(meta["seed"], "42");
  EXPECT_EQ(meta["model"], J["meta"]["model"].get<std::string>());
}

TEST(ReportFiles, NoTemporaryFilesLeft) {
  REQUIRE_RUN();
  for (const auto& e : fs::directory_iterator(run.dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}
