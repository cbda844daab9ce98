// Tables read from CSV files (`csv "FILE"`, docs/language.md §4.4): a CSV-fed table gives the same
// results as the same numbers written inline. The error cases are golden diagnostics
// (tests/data/diagnostics/37-csv-* … 47-csv-*).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path kData = fs::path(COGSIM_TEST_DATA) / "csv";
const fs::path kScenarios = fs::path(COGSIM_SOURCE_DIR) / "scenarios";

// The results file of `cogsim run MODEL ARGS --json`.
json run_json(const fs::path& model, const std::string& args, const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("cogsim_csv_test_" + std::to_string(::getpid()) + "_" + tag);
  fs::create_directories(dir);
  const fs::path out = dir / "out.json", log = dir / "log.txt";
  const std::string cmd = std::string("\"") + COGSIM_EXE + "\" run \"" + model.string() + "\" " + args + " --json \"" +
                          out.string() + "\" > \"" + log.string() + "\" 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream lf(log);
  std::stringstream text;
  text << lf.rdbuf();
  EXPECT_EQ(rc, 0) << cmd << "\n" << text.str();
  std::ifstream f(out);
  json doc = f ? json::parse(f) : json::object();
  fs::remove_all(dir);
  return doc;
}

// Every figure of the results, without the run's metadata (file, wall time).
json figures(const json& doc) {
  json f = json::object();
  for (const char* key : {"outputs", "indicators", "events", "series", "convergence"})
    if (doc.contains(key)) f[key] = doc.at(key);
  return f;
}

TEST(CsvTables, SavingsFromACsvFileGiveRm1sResults) {
  // savings.csv holds entities.cog's table, with a byte order mark, CRLF and a comment line.
  const json base = run_json(kScenarios / "cog-2022-2024", "-n 2000 --seed 7", "base");
  const json csv = run_json(kData / "rm1-savings", "-n 2000 --seed 7", "csv");
  ASSERT_TRUE(base.contains("outputs"));
  EXPECT_FALSE(figures(base).at("outputs").empty());
  EXPECT_EQ(figures(csv), figures(base));
}

TEST(CsvTables, FixesFromCsvFilesGiveRealisedHistorysResults) {
  // One file per series; inflation_gap.csv is `;`-separated with decimal commas (a French
  // spreadsheet's export) and gives its unit in the header.
  const json base = run_json(kScenarios / "realised-history", "--central", "realised");
  const json csv = run_json(kData / "realised", "--central", "realised_csv");
  ASSERT_TRUE(base.contains("outputs"));
  EXPECT_EQ(figures(csv).at("outputs"), figures(base).at("outputs"));
  EXPECT_NEAR(csv.at("outputs").at("inflation").at("2023").at("mean").get<double>(), 0.048, 1e-12);
}

TEST(CsvTables, AChangedCellChangesTheResults) {
  // The comparison above can fail: a copy with one savings rate changed gives other figures.
  const fs::path dir = fs::temp_directory_path() / ("cogsim_csv_changed_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream m(dir / "main.cog");
    m << "extends \"" << (kScenarios / "cog-2022-2024" / "main.cog").string() << "\"\n"
      << "override param savings[entities, 2020..2024] : number \"Plan\" default 0 = csv \"s.csv\"\n";
    std::ifstream in(kData / "rm1-savings" / "savings.csv", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string csv = text.str();
    const std::string cds = "CDS,0,0,0.028,0.024,0.018";
    ASSERT_NE(csv.find(cds), std::string::npos);
    csv.replace(csv.find(cds), cds.size(), "CDS,0,0,0.028,0.024,0.019");
    std::ofstream(dir / "s.csv", std::ios::binary) << csv;
  }
  const json base = run_json(kScenarios / "cog-2022-2024", "--central", "changed_base");
  const json changed = run_json(dir / "main.cog", "--central", "changed");
  fs::remove_all(dir);
  ASSERT_TRUE(changed.contains("outputs"));
  EXPECT_NE(figures(changed).at("outputs"), figures(base).at("outputs"));
}

}  // namespace

namespace {

TEST(WindowsFiles, BomAndCrlfModelGivesTheSameResultsFile) {
  // RM1's files saved by a Windows editor (a UTF-8 byte order mark and CRLF line ends): the same
  // figures in the results file as the originals (issue 13, item 6).
  const fs::path dir = fs::temp_directory_path() / ("cogsim_crlf_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  int converted = 0;
  for (const auto& e : fs::directory_iterator(kScenarios / "cog-2022-2024")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string crlf = "\xEF\xBB\xBF";
    for (char c : text.str()) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    std::ofstream(dir / e.path().filename(), std::ios::binary) << crlf;
    converted += e.path().extension() == ".cog";
  }
  EXPECT_GE(converted, 9);
  const json base = run_json(kScenarios / "cog-2022-2024", "-n 2000 --seed 11", "lf");
  const json crlf = run_json(dir, "-n 2000 --seed 11", "crlf");
  fs::remove_all(dir);
  ASSERT_TRUE(base.contains("outputs"));
  EXPECT_EQ(figures(crlf), figures(base));
}

}  // namespace
