// Reference model RM2 (scenarios/cog-2022-2024-full): the whole budget of Annexe 3 and every
// quantified commitment of Annexe 1.
//
// The expected figures are computed HERE from the tables of the COG (shared/seed, Annexe 3),
// typed in again below, and from the closed form of the rules on the central path (every
// standard normal at 0: inflation = forecast = 1.5 % in 2022-2024, π(2021) = 1.6 %, the 2021
// forecast 0.6 % (an RM2 assumption), ρ = ρ_COG). They are not read from the .cog files.
// Money is compared to the cent (|got − want| <= 0.005 €).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kYears[] = {2022, 2023, 2024};

// ------------------------------------------------------------------------------- the tables
// BNGA (l. 2562-2594), in hundredths of M€ (integers, so that sums are exact), by line.
struct BngaLine {
  const char* row;  // the table's row
  int section;      // 1, 2, 3
  bool limitative;  // l. 2721-2745
  long v[3];        // 2022, 2023, 2024 in 0.01 M€
};
const std::vector<BngaLine> kBnga = {
    {"A-I-1", 1, true, {3733, 3667, 3601}},    {"A-I-2 info", 1, true, {470, 470, 470}},
    {"A-I-2 hors", 1, true, {787, 779, 771}},  {"A-I-3 info", 1, true, {72, 65, 18}},
    {"A-I-3 hors", 1, true, {221, 215, 210}},  {"A-II-1", 1, true, {1112, 1083, 1054}},
    {"A-II-2", 1, true, {49, 49, 49}},         {"B-I", 1, false, {83, 83, 83}},
    {"B-II-1", 1, false, {529, 494, 461}},     {"B-II-2", 1, false, {1240, 1194, 1151}},
    {"B-III-1 info", 1, false, {55, 55, 55}},  {"B-III-1 hors", 1, false, {350, 350, 350}},
    {"B-III-2", 1, false, {60, 60, 60}},       {"reserve", 2, false, {0, 0, 0}},
    {"GA siege", 2, false, {1409, 1409, 1409}}, {"GA region", 2, false, {1271, 1271, 1271}},
    {"ANGDM s2", 2, false, {54, 54, 54}},      {"CGSS", 3, true, {23, 23, 23}},
};

// The printed subtotals of the BNGA table and the rows they add up (prefix match on `row`).
struct Printed {
  const char* label;  // as the warning names it
  std::vector<std::string> rows;
  long v[3];
};
const std::vector<Printed> kBngaPrinted = {
    {"A-I-2 Autres charges de fonctionnement", {"A-I-2"}, {1257, 1249, 1241}},
    {"A-I-3 Dépenses en capital", {"A-I-3"}, {293, 280, 228}},
    {"A-I Dépenses limitatives CANSSM", {"A-I-"}, {5284, 5196, 5070}},
    {"A-II Autres dépenses limitatives", {"A-II-"}, {1161, 1132, 1103}},
    {"A Dépenses limitatives", {"A-"}, {6445, 6327, 6173}},
    {"B-II Autres dépenses évaluatives", {"B-II-"}, {1769, 1688, 1612}},
    {"B-III-1 CANSSM", {"B-III-1"}, {405, 405, 405}},
    {"B-III Dotations aux amortissements, provisions et charges exceptionnelles", {"B-III-"}, {465, 465, 465}},
    {"B Dépenses évaluatives", {"B-"}, {2317, 2236, 2160}},
    {"1ère section : gestion administrative", {"A-", "B-"}, {8761, 8563, 8333}},
    {"2ème section : prestations conventionnelles et réserve nationale", {"reserve", "GA ", "ANGDM s2"}, {2734, 2734, 2734}},
    {"3ème section : prestations pour anciens agents", {"CGSS"}, {23, 23, 23}},
};

long bnga_sum(const std::vector<std::string>& prefixes, int y) {
  long s = 0;
  for (const auto& l : kBnga)
    for (const auto& p : prefixes)
      if (std::string(l.row).rfind(p, 0) == 0) {
        s += l.v[y];
        break;
      }
  return s;
}

// BNASS (l. 2607-2637), in €: individual (ANGDM), collective fonctionnement, investment.
const double kIndiv[3][3] = {{18872815, 17613998, 16444429}, {4065764, 3794578, 3542618}, {13827, 12905, 12047}};
const double kCollFonct[3][3] = {{899200, 2306100, 810000}, {2333300, 2244800, 2162100}, {510300, 477200, 446200}};
const double kInvest[3][3] = {{4000000, 2000000, 200000}, {16000000, 7000000, 800000}, {0, 0, 0}};
// BNPPS (l. 2660-2664), in €.
const double kBnppsMal[3] = {2255500, 2200000, 2148000};
const double kBnppsEval[3] = {450000, 450000, 450000};
const double kBnppsAtmp[3] = {100000, 100000, 100000};

// Central-path indexation factors. BNASS collectives (from 2023): r = 1.5 % each year, the
// forecast error of 2022 being 0. BNPPS (from 2022, the text's reading): r(2022) = 1.5 % +
// (1.6 % − 0.6 %) = 2.5 %, then 1.5 %.
const double kBnassIndex[3] = {1.0, 1.015, 1.015 * 1.015};
const double kBnppsIndex[3] = {1.025, 1.025 * 1.015, 1.025 * 1.015 * 1.015};

// ------------------------------------------------------------------------------- running
std::string repo() { return COGSIM_SOURCE_DIR; }

struct CliRun {
  int rc = -1;
  std::string log;
  json doc;
};

CliRun cogsim(const std::string& command, const std::string& tag, bool json_out) {
  // One folder per process: ctest runs the tests of this file in parallel processes, which share
  // tags such as "central" (a shared folder let one process delete another's results file).
  const fs::path dir = fs::path(testing::TempDir()) / ("rm2_" + std::to_string(::getpid()) + "_" + tag);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path out = dir / "out.json", log = dir / "log.txt";
  std::string cmd = std::string("\"") + COGSIM_EXE + "\" " + command;
  if (json_out) cmd += " --json \"" + out.string() + "\"";
  cmd += " > \"" + log.string() + "\" 2>&1";
  CliRun r;
  const int status = std::system(cmd.c_str());
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream lf(log);
  std::stringstream text;
  text << lf.rdbuf();
  r.log = text.str();
  if (json_out && r.rc == 0) {
    std::ifstream f(out);
    r.doc = json::parse(f);
  }
  return r;
}

double mean_of(const json& doc, const std::string& name, int year) {
  const auto& o = doc.at("outputs");
  if (!o.contains(name)) {
    ADD_FAILURE() << "no output " << name;
    return NAN;
  }
  return o.at(name).at(std::to_string(year)).at("mean").get<double>();
}

void expect_cent(const json& doc, const std::string& name, int year, double want) {
  const double got = mean_of(doc, name, year);
  EXPECT_LE(std::fabs(got - want), 0.005) << name << "[" << year << "]: got " << std::fixed << got << ", want "
                                          << want;
}

const json& central() {
  static const CliRun r = cogsim("run \"" + repo() + "/scenarios/cog-2022-2024-full\" --central", "central", true);
  EXPECT_EQ(r.rc, 0) << r.log;
  return r.doc;
}

// ------------------------------------------------------------------------------- tests

TEST(Rm2, BngaEnvelopesAreTheTableOnTheCentralPath) {
  const json& doc = central();
  for (int y = 0; y < 3; ++y) {
    long total = 0, lim = 0, eval = 0, sec[4] = {0, 0, 0, 0};
    for (const auto& l : kBnga) {
      total += l.v[y];
      (l.limitative ? lim : eval) += l.v[y];
      sec[l.section] += l.v[y];
    }
    const int year = kYears[y];
    // 0.01 M€ = 10 000 €, exactly.
    expect_cent(doc, "bnga.total", year, total * 10000.0);
    expect_cent(doc, "bnga.limitatives", year, lim * 10000.0);
    expect_cent(doc, "bnga.evaluatives", year, eval * 10000.0);
    expect_cent(doc, "bnga.section1", year, sec[1] * 10000.0);
    expect_cent(doc, "bnga.section2", year, sec[2] * 10000.0);
    expect_cent(doc, "bnga.section3", year, sec[3] * 10000.0);
    expect_cent(doc, "bnga.personnel", year, kBnga[0].v[y] * 10000.0);
  }
}

TEST(Rm2, BnassAndBnppsEnvelopesOnTheCentralPath) {
  const json& doc = central();
  const char* sections[] = {"PA", "MAL", "ATMP"};
  for (int y = 0; y < 3; ++y) {
    const int year = kYears[y];
    double total = 0;
    for (int s = 0; s < 3; ++s) {
      expect_cent(doc, std::string("bnass.individuelles.") + sections[s], year, kIndiv[s][y]);
      expect_cent(doc, std::string("bnass.fonct.") + sections[s], year, kCollFonct[s][y] * kBnassIndex[y]);
      total += kIndiv[s][y] + kCollFonct[s][y] * kBnassIndex[y] + kInvest[s][y];
    }
    expect_cent(doc, "bnass.total", year, total);
    expect_cent(doc, "bnpps.evaluatives.MAL", year, kBnppsEval[y]);
    expect_cent(doc, "bnpps.MAL", year, kBnppsMal[y] * kBnppsIndex[y]);
    expect_cent(doc, "bnpps.total", year, (kBnppsMal[y] + kBnppsAtmp[y]) * kBnppsIndex[y] + kBnppsEval[y]);
  }
}

// Execution on the central path (every rate 0.95, no carry-over out of the last year).
TEST(Rm2, BnppsCarryOverAndCancellationOnTheCentralPath) {
  const json& doc = central();
  double carried = 0;
  for (int y = 0; y < 3; ++y) {
    const double envelope = (kBnppsMal[y] + kBnppsAtmp[y]) * kBnppsIndex[y];
    const double authorised = envelope + carried;
    expect_cent(doc, "bnpps.authorised", kYears[y], authorised);
    expect_cent(doc, "bnpps.executed", kYears[y], 0.95 * authorised + kBnppsEval[y]);
    const double unspent = authorised - 0.95 * authorised;
    carried = y < 2 ? unspent : 0;
    expect_cent(doc, "bnpps.carried", kYears[y], carried);
    expect_cent(doc, "bnpps.cancelled", kYears[y], y < 2 ? 0 : unspent);
  }
}

// `cogsim check` is clean but for the rounding gaps of the BNGA table, each named.
TEST(Rm2, CheckReportsExactlyTheRoundingGapsAsWarnings) {
  const CliRun r = cogsim("check \"" + repo() + "/scenarios/cog-2022-2024-full\"", "check", false);
  EXPECT_EQ(r.rc, 0) << r.log;
  EXPECT_EQ(r.log.find("error"), std::string::npos) << r.log;
  int gaps = 0;
  for (const auto& p : kBngaPrinted)
    for (int y = 0; y < 3; ++y) {
      const long sum = bnga_sum(p.rows, y);
      const std::string needle = std::string("BNGA ") + p.label;
      const std::string year = std::to_string(kYears[y]);
      bool warned = false;
      for (std::size_t at = r.log.find("warning: rounding gap: " + needle); at != std::string::npos;
           at = r.log.find("warning: rounding gap: " + needle, at + 1))
        if (r.log.compare(at + 23 + needle.size(), year.size() + 1, " " + year) == 0) warned = true;
      EXPECT_EQ(warned, sum != p.v[y]) << p.label << " " << year << ": lines " << sum << ", printed " << p.v[y];
      gaps += sum != p.v[y];
    }
  int warnings = 0;
  for (std::size_t at = r.log.find("warning:"); at != std::string::npos; at = r.log.find("warning:", at + 1)) ++warnings;
  EXPECT_EQ(warnings, gaps) << r.log;
  EXPECT_GT(gaps, 0);  // the table has gaps (A-I 2022: 52.83 against 52.84 printed)
}

TEST(Rm2, ForbiddenTransfersAreRejectedWithTheArticle) {
  const CliRun r = cogsim("check \"" + std::string(COGSIM_TEST_DATA) + "/rm2/forbidden-transfers.cog\"", "forbidden", false);
  EXPECT_EQ(r.rc, 3) << r.log;
  EXPECT_NE(r.log.find("forbidden-transfers.cog:7:1: error: transfer from investissement to personnel is forbidden"),
            std::string::npos) << r.log;
  EXPECT_NE(r.log.find("forbidden-transfers.cog:9:1: error: transfer from personnel to investissement is forbidden"),
            std::string::npos) << r.log;
  EXPECT_NE(r.log.find("« Tout autre virement est interdit »"), std::string::npos) << r.log;
  EXPECT_NE(r.log.find("Les virements de crédits (l. 2775-2785)"), std::string::npos) << r.log;
  EXPECT_NE(r.log.find("forbidden-transfers.cog:11:1: error: transfer from fonctionnement to investissement is outside "
                       "the fungibility groups of bnass (COG 2022-2024, Annexe 3, BNASS, Les virements de crédits"),
            std::string::npos) << r.log;
  EXPECT_NE(r.log.find("cogsim: 3 errors"), std::string::npos) << r.log;
}

TEST(Rm2, AVotedTransferPassesAndMovesTheEnvelopes) {
  const CliRun r = cogsim("run \"" + std::string(COGSIM_TEST_DATA) + "/rm2/voted-transfer.cog\" --central", "voted", true);
  ASSERT_EQ(r.rc, 0) << r.log;
  // Reported, with its vote and the rule it overrides.
  EXPECT_NE(r.log.find("voted-transfer.cog:5:1: note: transfer of bnga.capital.hors_informatique to bnga.personnel in "
                       "2023 voted: Conseil d'administration, décision modificative, approuvée par la tutelle (without "
                       "the vote: transfer from investissement to personnel is forbidden"),
            std::string::npos)
      << r.log;
  expect_cent(r.doc, "bnga.personnel", 2023, (3667 + 50) * 10000.0);
  long total = 0;
  for (const auto& l : kBnga) total += l.v[1];
  expect_cent(r.doc, "bnga.total", 2023, total * 10000.0);
}

TEST(Rm2, TheShippedTransferPlanMovesTheEnvelopes) {
  const CliRun r = cogsim("run \"" + repo() + "/scenarios/virements-2023\" --central", "plan", true);
  ASSERT_EQ(r.rc, 0) << r.log;
  expect_cent(r.doc, "bnga.personnel", 2023, 36.67e6 - 1e6);
  expect_cent(r.doc, "bnass.fonct.PA", 2024, 810000 * kBnassIndex[2] + 150000);
  expect_cent(r.doc, "bnass.fonct.MAL", 2024, 2162100 * kBnassIndex[2] - 150000);
  // The réserve nationale receives 0.5 M€, 60 % is used with the ministries' authorisation, the
  // rest is cancelled in the year (with the other lines' unspent credits, which 2023 carries over).
  expect_cent(r.doc, "bnga.section2", 2023, (2734 + 50) * 10000.0);
  expect_cent(r.doc, "bnga.cancelled", 2023, 0.5e6 * (1 - 0.6));
}

// BNGA execution on the central path: every limitative line carries 5 % of its authorised
// credits to the next year; in 2024 the programme lines' (capital, and the AP raised by the
// disposals of N − 1) are carried beyond the convention, the others' cancelled.
TEST(Rm2, BngaCancelledAndCarriedBeyondOnTheCentralPath) {
  const json& doc = central();
  // Disposal gains of the sites (half the m² sold): m² × 700 € × (1 − 0.35) × 0.5; m² sold in
  // 2021 = 3 353 (assumption), then target × 1.15 × E[triangular(0.60, 0.95, 1.0)] = × 0.85.
  const double per_m2 = 700 * (1 - 0.35) * 0.5;
  const double cessions[3] = {3353 * per_m2, 4000 * 1.15 * 0.85 * per_m2, 4000 * 1.15 * 0.85 * per_m2};
  double cancelled = 0, beyond = 0;
  auto auth2024 = [](double e22, double e23, double e24) { return e24 + 0.05 * (e23 + 0.05 * e22); };
  for (const auto& l : kBnga) {
    if (!l.limitative) continue;
    const double a = auth2024(l.v[0] * 1e4, l.v[1] * 1e4, l.v[2] * 1e4);
    (std::string(l.row).rfind("A-I-3", 0) == 0 ? beyond : cancelled) += 0.05 * a;
  }
  beyond += 0.05 * auth2024(cessions[0], cessions[1], cessions[2]);
  expect_cent(doc, "bnga.capital.cessions", 2023, cessions[1]);
  expect_cent(doc, "bnga.cancelled", 2024, cancelled);
  expect_cent(doc, "bnga.carried_beyond", 2024, beyond);
  expect_cent(doc, "bnga.cancelled", 2023, 0);
}

// BNGA personnel (l. 2757-2761), the RMPP announced ρa and realised ρ fixed (ρ_COG = 1.5 %,
// ρa(2021) = ρ(2021) = 1.5 %): r(N) = (ρa(N) − ρ_COG) + (ρ(N−1) − ρa(N−1)), so 0 %, 2 %, 1.5 %;
// RM1's reading, r(N) = ρ(N) − ρ_COG: 0.5 %, 2.5 %, 1 %.
TEST(Rm2, PersonnelFollowsTheAnnouncedRmppCorrectedByLastYearsGap) {
  const double table[3] = {37.33e6, 36.67e6, 36.01e6};
  const double text[3] = {0.0, 0.02, 0.015}, rm1[3] = {0.005, 0.025, 0.01};
  const CliRun a = cogsim("run \"" + std::string(COGSIM_TEST_DATA) + "/rm2/rmpp-fixed.cog\" --central", "rmpp_text", true);
  const CliRun b = cogsim("run \"" + std::string(COGSIM_TEST_DATA) + "/rm2/rmpp-fixed-rm1.cog\" --central", "rmpp_rm1", true);
  ASSERT_EQ(a.rc, 0) << a.log;
  ASSERT_EQ(b.rc, 0) << b.log;
  double fa = 1, fb = 1;
  for (int y = 0; y < 3; ++y) {
    fa *= 1 + text[y];
    fb *= 1 + rm1[y];
    expect_cent(a.doc, "bnga.personnel", kYears[y], table[y] * fa);
    expect_cent(b.doc, "bnga.personnel", kYears[y], table[y] * fb);
  }
}

// Every quantified commitment of Annexe 1 has a P(met) for each year with a target.
TEST(Rm2, EveryAnnexe1CommitmentHasAProbability) {
  static const CliRun r =
      cogsim("run \"" + repo() + "/scenarios/cog-2022-2024-full\" --paths 20000 --seed 11 --threads 2", "mc", true);
  ASSERT_EQ(r.rc, 0) << r.log;
  const std::map<std::string, std::vector<int>> targets = {
      {"RH1", {2022, 2023, 2024}},    {"RH2", {2022, 2023}},          {"RH3", {2022, 2023, 2024}},
      {"RH4", {2022}},                {"RH5D", {2022}},               {"RH5", {2023, 2024}},
      {"RH6", {2022, 2023, 2024}},    {"RH7", {2023}},                {"RH8", {2023, 2024}},
      {"RH9", {2023, 2024}},          {"RH10", {2022, 2023, 2024}},   {"RH11", {2022, 2023, 2024}},
      {"IMMO14", {2022, 2023, 2024}}, {"IMMO15", {2022, 2023, 2024}}, {"ACH16", {2022, 2023, 2024}},
      {"ACH17", {2022, 2023, 2024}},  {"ACH18", {2022, 2023, 2024}},  {"ACH19", {2022, 2023, 2024}}};
  const json& inds = r.doc.at("indicators");
  for (const auto& [id, years] : targets) {
    ASSERT_TRUE(inds.contains(id)) << id;
    EXPECT_EQ(inds.at(id).at("years").size(), years.size()) << id;
    for (int y : years) {
      const double p = inds.at(id).at("years").at(std::to_string(y)).at("p_met").get<double>();
      EXPECT_GE(p, 0.0) << id << " " << y;
      EXPECT_LE(p, 1.0) << id << " " << y;
    }
  }
  // Closed forms, each within 4 standard errors of a proportion over 20 000 paths:
  // ACH16, gain ~ normal(3.5 %, 1 %) >= 3 %: Φ(0.5); RH6, one agreement signed with q = 0.8.
  const double n = 20000;
  const double phi_half = 0.5 * std::erfc(-0.5 / std::sqrt(2.0));
  for (int y : {2022, 2023, 2024}) {
    const double p16 = inds.at("ACH16").at("years").at(std::to_string(y)).at("p_met").get<double>();
    EXPECT_NEAR(p16, phi_half, 4 * std::sqrt(phi_half * (1 - phi_half) / n)) << y;
    const double p6 = inds.at("RH6").at("years").at(std::to_string(y)).at("p_met").get<double>();
    EXPECT_NEAR(p6, 0.8, 4 * std::sqrt(0.8 * 0.2 / n)) << y;
  }
  // IMMO14: met when 1.15 × S >= 1, S ~ triangular(0.60, 0.95, 1.0) (x below the mode);
  // RH2 2022: 0.5 × pace >= 50 %, pace ~ triangular(0.75, 1.05, 1.20).
  auto tri_below = [](double x, double lo, double mode, double hi) {
    return (x - lo) * (x - lo) / ((hi - lo) * (mode - lo));
  };
  const double p14 = 1 - tri_below(1 / 1.15, 0.60, 0.95, 1.0);
  for (int y : {2022, 2023, 2024})
    EXPECT_NEAR(inds.at("IMMO14").at("years").at(std::to_string(y)).at("p_met").get<double>(), p14,
                4 * std::sqrt(p14 * (1 - p14) / n))
        << y;
  const double p2 = 1 - tri_below(1.0, 0.75, 1.05, 1.20);
  EXPECT_NEAR(inds.at("RH2").at("years").at("2022").at("p_met").get<double>(), p2, 4 * std::sqrt(p2 * (1 - p2) / n));
  // The pilotage indicators are tracked series, not targets.
  EXPECT_TRUE(r.doc.at("outputs").contains("pilotage.Q1"));
  EXPECT_FALSE(inds.contains("Q1"));
}

}  // namespace
