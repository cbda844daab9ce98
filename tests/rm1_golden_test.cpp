// Golden tests for reference model RM1 (shared/spec/reference-model-rm1.md).
//
// The expected numbers are computed HERE, in plain C++, from the closed form of the spec
// (§2-§6) on the central path (every standard normal at 0, so the inflation gap u(t) = 0 for
// every t, and every execution rate at 0.95). They are not derived from the .cog files: the
// point is an independent computation that the engine's encoding of RM1 is checked against.
//
// Compared:
//   * `cogsim run scenarios/cog-2022-2024 --central` — every output of spec §7 for every year
//     present, every indicator's target and p_met, the events all_met[2024] and fnmo.negative;
//     plus the §8 figures written literally (indicator 1 2022, indicator 8 2024).
//   * `cogsim run scenarios/realised-history --central` — the same with π, p, ρ fixed for
//     2022-2024 (§8), plus the BNASS PA 2023/2024 figures written literally.
//   * RM1 with every standard deviation at 0 and the execution rate fixed at 0.95, under Monte
//     Carlo (5000 paths): every mean equals the central closed form, every sd is ~0, every p_met 1.
//
// Tolerance: a value matches when |got − want| <= 1e-9·|want| (relative), or <= 1e-6 (absolute)
// for values near zero (e.g. a 0 € target, or a result close to 0 €).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Closed form of RM1 (spec §2-§6) for a path whose drivers are given year by year.
// ---------------------------------------------------------------------------------------------

constexpr int kBase = 2019;
constexpr int kLast = 2024;

enum Kind { SAN, EMS, CDS_K, DOM, COM };
constexpr double kTariffMean[] = {0.010, 0.012, 0.008, 0.012, 0.015};  // τ̄(k), §3
constexpr double kPassThrough[] = {0.5, 0.5, 0.3, 0.5, 0.8};           // λ(k), §3
constexpr double kSignature = 0.015;                                    // F̄(t), §3

struct Entity {
  const char* id;
  Kind kind;
  double produits;
  double resultat;
  double s;   // personnel share
  double mu;  // activity mean
  std::array<double, 3> m;  // planned savings 2022, 2023, 2024
};

const std::vector<Entity>& entities() {
  static const std::vector<Entity> e = {
      {"FREYMING", SAN, 26633000.0, -2805515.12, 0.65, 0.010, {0.050, 0.016, 0.015}},
      {"CHARLEVILLE", SAN, 6802000.0, -520916.01, 0.65, 0.010, {0.020, 0.015, 0.014}},
      {"FRESNES", EMS, 6780000.0, -524402.64, 0.60, 0.005, {0.019, 0.019, 0.015}},
      {"AUCHEL", SAN, 7182000.0, 183360.03, 0.65, 0.005, {0.0, 0.0, 0.0}},
      {"CARMAUX", SAN, 7271000.0, -290847.02, 0.65, 0.010, {0.048, 0.001, 0.0}},
      {"PAMPELONNE", EMS, 3318000.0, -483203.52, 0.60, 0.005, {0.084, 0.054, 0.0}},
      {"AUTRES", SAN, 34620000.0, 1050268.05, 0.63, 0.005, {0.0, 0.0, 0.0}},
      {"CDS", CDS_K, 76949000.0, -13607724.82, 0.75, 0.015, {0.028, 0.024, 0.018}},
      {"SAP", DOM, 29102000.0, 176789.74, 0.85, 0.010, {0.001, 0.0, 0.0}},
      {"SSIAD", DOM, 20012000.0, 128853.72, 0.80, 0.005, {0.002, 0.001, 0.0}},
      {"OPTIQUE", COM, 1936000.0, -458280.41, 0.35, -0.050, {0.117, 0.067, 0.094}},
      {"MATMED", COM, 3583000.0, 1905191.42, 0.30, 0.020, {0.0, 0.0, 0.0}},
  };
  return e;
}

// Indicators (§5): entity index, and per year 2022..2024 either a reduction rate r
// ("reduce_deficit"), or Équilibre (R >= 0) or Excédent (R > 0).
enum IndKind { REDUCE, EQUILIBRE, EXCEDENT };
struct IndYear {
  IndKind kind;
  double r;
};
struct Indicator {
  int number;
  int entity;
  std::array<IndYear, 3> years;
};

const std::vector<Indicator>& indicators() {
  static const IndYear eq{EQUILIBRE, 0.0};
  static const IndYear ex{EXCEDENT, 0.0};
  static const std::vector<Indicator> v = {
      {1, 0, {{{REDUCE, 0.40}, {REDUCE, 0.55}, {REDUCE, 0.70}}}},
      {2, 1, {{{REDUCE, 0.10}, {REDUCE, 0.30}, {REDUCE, 0.50}}}},
      {3, 2, {{{REDUCE, 0.15}, {REDUCE, 0.40}, {REDUCE, 0.60}}}},
      {4, 3, {{eq, eq, eq}}},
      {5, 4, {{eq, eq, eq}}},
      {6, 5, {{{REDUCE, 0.60}, eq, eq}}},
      {7, 6, {{eq, eq, eq}}},
      {8, 7, {{{REDUCE, 0.05}, {REDUCE, 0.20}, {REDUCE, 0.30}}}},
      {9, 8, {{eq, eq, eq}}},
      {10, 9, {{eq, eq, eq}}},
      {11, 10, {{{REDUCE, 0.50}, {REDUCE, 0.70}, eq}}},
      {12, 11, {{ex, ex, ex}}},
  };
  return v;
}

// Drivers of one path, indexed by year.
struct Drivers {
  std::map<int, double> pi;   // realised inflation 2020..2024
  std::map<int, double> p;    // published forecast 2022..2024
  std::map<int, double> rho;  // RMPP growth 2020..2024
  std::map<int, double> u;    // inflation gap 2021..2024 (tariffs read u(t−1))
};

// RM1 central path: π(2020)=0.5 %, π(2021)=1.6 %, ρ(2020)=ρ(2021)=1.5 %; for S years u = 0 so
// π = F̄ = 1.5 %, p = F̄ + φ·u(t−1) = 1.5 %, ρ = ρ̄ = 1.5 %.
Drivers central_drivers() {
  Drivers d;
  d.pi = {{2020, 0.005}, {2021, 0.016}, {2022, 0.015}, {2023, 0.015}, {2024, 0.015}};
  d.p = {{2022, 0.015}, {2023, 0.015}, {2024, 0.015}};
  d.rho = {{2020, 0.015}, {2021, 0.015}, {2022, 0.015}, {2023, 0.015}, {2024, 0.015}};
  d.u = {{2021, 0.0}, {2022, 0.0}, {2023, 0.0}, {2024, 0.0}};
  return d;
}

// Realised history (§8): π, p, ρ fixed for 2022..2024, with the gap that π = F̄ + u implies,
// u = π − F̄ (3.8 %, 3.3 %, 0.3 %): the tariffs τ̄ + λ·u(t−1) follow the realised inflation.
// Every other driver keeps its RM1 definition (activity at its mean on the central path).
Drivers realised_drivers() {
  Drivers d = central_drivers();
  d.pi[2022] = 0.053;
  d.pi[2023] = 0.048;
  d.pi[2024] = 0.018;
  d.p[2022] = 0.015;
  d.p[2023] = 0.042;
  d.p[2024] = 0.026;
  d.rho[2022] = 0.0188;
  d.rho[2023] = 0.0432;
  d.rho[2024] = 0.0211;
  for (int t = 2022; t <= 2024; ++t) d.u[t] = d.pi.at(t) - kSignature;
  return d;
}

using Series = std::map<int, double>;

struct Expected {
  std::map<std::string, Series> outputs;
  // indicator number -> year -> (target, met)
  std::map<int, std::map<int, std::pair<double, bool>>> indicators;
  bool all_met_2024 = true;
  std::map<int, bool> fnmo_negative;
};

Expected closed_form(const Drivers& d) {
  constexpr double kEta = 0.6, kKappa = 0.4;
  constexpr double kExec = 0.95;  // execution rate at its mean (Uniform(0.90, 1.00))
  Expected x;
  const auto& ents = entities();

  // §4 dynamics.
  std::vector<Series> R(ents.size());
  for (std::size_t i = 0; i < ents.size(); ++i) {
    const Entity& e = ents[i];
    const double C = e.produits - e.resultat;
    double prod = e.produits, pers = e.s * C, oth = (1.0 - e.s) * C;
    R[i][kBase] = prod - pers - oth;
    for (int t = kBase + 1; t <= kLast; ++t) {
      // τ(k,t) = τ̄(k) + λ(k)·u(t−1) for the uncertain years; τ̄ in the known years.
      const double tau = kTariffMean[e.kind] + (t >= 2022 ? kPassThrough[e.kind] * d.u.at(t - 1) : 0.0);
      const double a = t >= 2022 ? e.mu : 0.0;          // known years: a = 0; S: a = μ
      const double m = t >= 2022 ? e.m[t - 2022] : 0.0;
      prod = prod * (1.0 + tau) * (1.0 + a);
      pers = pers * (1.0 + d.rho.at(t)) * (1.0 + kEta * a) * (1.0 - m);
      oth = oth * (1.0 + d.pi.at(t)) * (1.0 + kKappa * a) * (1.0 - m);
      R[i][t] = prod - pers - oth;
    }
    x.outputs[std::string("resultat.") + e.id] = R[i];
  }

  // §6 total result.
  Series total;
  for (int t = kBase; t <= kLast; ++t) {
    double s = 0.0;
    for (const auto& r : R) s += r.at(t);
    total[t] = s;
  }
  x.outputs["resultat.total"] = total;

  // §6 FNMO reserve: FNMO(2020) = 58 371 718.99; then + R(CDS)+R(OPTIQUE)+R(MATMED) − 4 M€.
  const std::size_t iCDS = 7, iOPT = 10, iMAT = 11;
  Series fnmo;
  fnmo[2020] = 58371718.99;
  for (int t = 2021; t <= kLast; ++t) {
    fnmo[t] = fnmo[t - 1] + R[iCDS].at(t) + R[iOPT].at(t) + R[iMAT].at(t) - 4000000.0;
    x.fnmo_negative[t] = fnmo[t] < 0.0;
  }
  x.outputs["fnmo.reserve"] = fnmo;

  // §6 corrected rate r(N) = p(N) + (π(N−1) − p(N−1)) for N = 2023, 2024; r(2022) = p(2022).
  std::map<int, double> r;
  r[2022] = d.p.at(2022);
  for (int N = 2023; N <= 2024; ++N) r[N] = d.p.at(N) + (d.pi.at(N - 1) - d.p.at(N - 1));

  // BNASS fonctionnement: E(2022) = table; E(t) = table(t)·Π_{2023..t}(1 + r).
  const std::map<std::string, std::array<double, 3>> bnass_tables = {
      {"PA", {899200.0, 2306100.0, 810000.0}},
      {"MAL", {2333300.0, 2244800.0, 2162100.0}},
      {"ATMP", {510300.0, 477200.0, 446200.0}},
  };
  std::map<std::string, Series> fonct;
  for (const auto& [line, tab] : bnass_tables) {
    double f = 1.0;
    for (int t = 2022; t <= 2024; ++t) {
      if (t >= 2023) f *= 1.0 + r.at(t);
      fonct[line][t] = tab[t - 2022] * f;
    }
    x.outputs["bnass.fonct." + line] = fonct[line];
  }

  // BNPPS: E(t) = table(t)·Π_{2022..t}(1 + r).
  const std::map<std::string, std::array<double, 3>> bnpps_tables = {
      {"MAL", {2255500.0, 2200000.0, 2148000.0}},
      {"ATMP", {100000.0, 100000.0, 100000.0}},
  };
  for (const auto& [line, tab] : bnpps_tables) {
    double f = 1.0;
    Series s;
    for (int t = 2022; t <= 2024; ++t) {
      f *= 1.0 + r.at(t);
      s[t] = tab[t - 2022] * f;
    }
    x.outputs["bnpps." + line] = s;
  }

  // BNGA personnel: D(t) = table(t)·Π_{2022..t}(1 + ρ(k) − 1.5 %).
  {
    const std::array<double, 3> tab = {37330000.0, 36670000.0, 36010000.0};
    double f = 1.0;
    Series s;
    for (int t = 2022; t <= 2024; ++t) {
      f *= 1.0 + d.rho.at(t) - 0.015;
      s[t] = tab[t - 2022] * f;
    }
    x.outputs["bnga.personnel"] = s;
  }

  x.outputs["inflation"] = d.pi;
  x.outputs["rmpp"] = d.rho;

  // Carry-over of the five BNASS lines: A = E + K(t−1), U = (1 − x)·A, K = U for t < 2024.
  std::vector<std::array<double, 3>> fonct_lines, invest_lines;
  for (const auto& [line, s] : fonct) fonct_lines.push_back({s.at(2022), s.at(2023), s.at(2024)});
  invest_lines.push_back({4000000.0, 2000000.0, 200000.0});    // PA investment
  invest_lines.push_back({16000000.0, 7000000.0, 800000.0});   // MAL investment
  auto unspent_2024 = [&](const std::array<double, 3>& E) {
    double K = 0.0, U = 0.0;
    for (int t = 2022; t <= 2024; ++t) {
      const double A = E[t - 2022] + K;
      U = (1.0 - kExec) * A;
      K = U;
    }
    return U;
  };
  double cancelled = 0.0, carried = 0.0;
  for (const auto& E : fonct_lines) cancelled += unspent_2024(E);
  for (const auto& E : invest_lines) carried += unspent_2024(E);
  x.outputs["bnass.cancelled"] = {{2024, cancelled}};
  x.outputs["bnass.carried_beyond"] = {{2024, carried}};

  // §5 indicators.
  for (const auto& ind : indicators()) {
    const Series& Re = R[ind.entity];
    for (int t = 2022; t <= 2024; ++t) {
      const IndYear& iy = ind.years[t - 2022];
      double target = 0.0;
      bool met = false;
      switch (iy.kind) {
        case REDUCE:
          target = (1.0 - iy.r) * Re.at(kBase);
          met = Re.at(t) >= target;
          break;
        case EQUILIBRE:
          met = Re.at(t) >= 0.0;
          break;
        case EXCEDENT:
          met = Re.at(t) > 0.0;
          break;
      }
      x.indicators[ind.number][t] = {target, met};
      if (t == 2024) x.all_met_2024 = x.all_met_2024 && met;
    }
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Running the engine and comparing.
// ---------------------------------------------------------------------------------------------

// |got − want| <= 1e-9·|want| (relative) or <= 1e-6 (absolute, for values near zero).
::testing::AssertionResult Close(const std::string& what, double got, double want) {
  const double tol = std::max(1e-9 * std::fabs(want), 1e-6);
  if (std::fabs(got - want) <= tol) return ::testing::AssertionSuccess();
  std::ostringstream os;
  os.precision(17);
  os << what << ": expected " << want << ", got " << got << " (diff " << got - want << ")";
  return ::testing::AssertionFailure() << os.str();
}

std::string repo_root() { return COGSIM_SOURCE_DIR; }

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::path(testing::TempDir()) / ("rm1_golden_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// Runs `cogsim run <model> <args> --json <tmp>` and returns the parsed document.
json run_cogsim(const std::string& model, const std::string& args, const std::string& tag) {
  const fs::path dir = temp_dir(tag);
  const fs::path out = dir / "out.json";
  const fs::path log = dir / "log.txt";
  const std::string cmd = std::string("\"") + COGSIM_EXE + "\" run \"" + model + "\" " + args +
                          " --json \"" + out.string() + "\" > \"" + log.string() + "\" 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream lf(log);
  std::stringstream logtext;
  logtext << lf.rdbuf();
  EXPECT_EQ(rc, 0) << cmd << "\n" << logtext.str();
  std::ifstream f(out);
  if (!f) {
    ADD_FAILURE() << "no JSON written by: " << cmd << "\n" << logtext.str();
    return json::object();
  }
  return json::parse(f);
}

const json* find_indicator(const json& doc, int n) {
  if (!doc.contains("indicators")) return nullptr;
  const auto& inds = doc["indicators"];
  for (const std::string& key :
       {std::to_string(n), "ind" + std::to_string(n), "IND" + std::to_string(n)}) {
    if (inds.contains(key)) return &inds[key];
  }
  return nullptr;
}

enum class Mode { Central, ZeroSdMonteCarlo };

// Compares a results document with the closed form; returns the number of values compared.
int compare(const json& doc, const Expected& x, Mode mode) {
  int n = 0;
  EXPECT_TRUE(doc.contains("outputs"));
  if (!doc.contains("outputs")) return n;
  const json& outs = doc["outputs"];

  for (const auto& [name, series] : x.outputs) {
    if (!outs.contains(name)) {
      ADD_FAILURE() << "missing output " << name;
      continue;
    }
    const json& o = outs[name];
    // Every year the spec defines must be present...
    for (const auto& [year, v] : series) {
      EXPECT_TRUE(o.contains(std::to_string(year))) << name << " has no year " << year;
    }
    // ...and every year present must be one the closed form defines and must match.
    for (const auto& [ykey, cell] : o.items()) {
      const int year = std::stoi(ykey);
      const std::string what = name + "[" + ykey + "]";
      if (!series.count(year)) {
        ADD_FAILURE() << what << " present in the results but not defined by RM1";
        continue;
      }
      const double want = series.at(year);
      if (!cell.contains("mean")) {
        ADD_FAILURE() << what << " has no mean";
        continue;
      }
      EXPECT_TRUE(Close(what + ".mean", cell["mean"].get<double>(), want));
      ++n;
      if (mode == Mode::ZeroSdMonteCarlo) {
        EXPECT_TRUE(cell.contains("sd")) << what;
        if (cell.contains("sd")) {
          const double sd = cell["sd"].get<double>();
          EXPECT_LT(sd, 1e-6 * std::fabs(want) + 1e-6) << what << ".sd";
          ++n;
        }
      }
    }
  }

  for (const auto& [number, years] : x.indicators) {
    const json* ind = find_indicator(doc, number);
    if (!ind) {
      ADD_FAILURE() << "missing indicator " << number;
      continue;
    }
    if (!ind->contains("years")) {
      ADD_FAILURE() << "indicator " << number << " has no years";
      continue;
    }
    const json& ys = (*ind)["years"];
    for (const auto& [ykey, cell] : ys.items()) {
      const int year = std::stoi(ykey);
      const std::string what = "indicator " + std::to_string(number) + "[" + ykey + "]";
      if (!years.count(year)) {
        ADD_FAILURE() << what << " present in the results but not defined by RM1";
      }
    }
    for (const auto& [year, tm] : years) {
      const std::string ykey = std::to_string(year);
      const std::string what = "indicator " + std::to_string(number) + "[" + ykey + "]";
      if (!ys.contains(ykey)) {
        ADD_FAILURE() << what << " missing";
        continue;
      }
      const json& cell = ys[ykey];
      EXPECT_TRUE(Close(what + ".target", cell.at("target").get<double>(), tm.first));
      EXPECT_EQ(cell.at("p_met").get<double>(), tm.second ? 1.0 : 0.0) << what << ".p_met";
      n += 2;
    }
  }

  EXPECT_TRUE(doc.contains("events"));
  if (doc.contains("events")) {
    const json& ev = doc["events"];
    EXPECT_EQ(ev.at("all_met").at("2024").get<double>(), x.all_met_2024 ? 1.0 : 0.0);
    ++n;
    const json& neg = ev.at("fnmo.negative");
    for (const auto& [year, negative] : x.fnmo_negative) {
      const std::string ykey = std::to_string(year);
      EXPECT_TRUE(neg.contains(ykey)) << "fnmo.negative has no year " << year;
      if (neg.contains(ykey)) {
        EXPECT_EQ(neg[ykey].get<double>(), negative ? 1.0 : 0.0) << "fnmo.negative[" << year << "]";
        ++n;
      }
    }
    for (const auto& [ykey, v] : neg.items()) {
      EXPECT_TRUE(x.fnmo_negative.count(std::stoi(ykey))) << "fnmo.negative[" << ykey << "]";
    }
  }
  return n;
}

double indicator_target(const json& doc, int n, int year) {
  const json* ind = find_indicator(doc, n);
  if (!ind) return NAN;
  return (*ind).at("years").at(std::to_string(year)).at("target").get<double>();
}

double output_mean(const json& doc, const std::string& name, int year) {
  return doc.at("outputs").at(name).at(std::to_string(year)).at("mean").get<double>();
}

// ---------------------------------------------------------------------------------------------

TEST(RM1Golden, ClosedFormReproducesTheCogArithmetic) {
  // Sanity of the independent computation itself (spec §8 figures, to the cent).
  const Expected c = closed_form(central_drivers());
  EXPECT_NEAR(c.indicators.at(1).at(2022).first, -1683309.07, 0.005);
  EXPECT_NEAR(c.indicators.at(8).at(2024).first, -9525407.37, 0.005);
  for (const auto& [n, ys] : c.indicators)
    for (const auto& [y, tm] : ys) EXPECT_TRUE(tm.second) << "central: indicator " << n << " " << y;
  EXPECT_TRUE(c.all_met_2024);
  const Expected h = closed_form(realised_drivers());
  EXPECT_NEAR(h.outputs.at("bnass.fonct.PA").at(2023), 2490588.00, 0.005);
  EXPECT_NEAR(h.outputs.at("bnass.fonct.PA").at(2024), 902793.60, 0.005);
}

TEST(RM1Golden, CentralPathMatchesClosedForm) {
  const Expected x = closed_form(central_drivers());
  const json doc = run_cogsim(repo_root() + "/scenarios/cog-2022-2024", "--central", "central");
  const int n = compare(doc, x, Mode::Central);
  // 113 output means (12 entities + total: 6 years; FNMO 5; 6 envelopes × 3; inflation, rmpp
  // × 5; cancelled, carried beyond), 12 × 3 × (target, p_met) = 72, all_met + 4 fnmo.negative.
  EXPECT_EQ(n, 190);
  RecordProperty("values_compared", n);

  // Central path: every indicator holds, FNMO never negative.
  EXPECT_EQ(doc["events"]["all_met"]["2024"].get<double>(), 1.0);
  for (const auto& [y, v] : doc["events"]["fnmo.negative"].items()) EXPECT_EQ(v.get<double>(), 0.0) << y;
  for (int i = 1; i <= 12; ++i) {
    const json* ind = find_indicator(doc, i);
    ASSERT_NE(ind, nullptr) << i;
    for (const auto& [y, cell] : (*ind)["years"].items())
      EXPECT_EQ(cell["p_met"].get<double>(), 1.0) << "indicator " << i << " " << y;
  }

  // Spec §8 figures, literally.
  EXPECT_NEAR(indicator_target(doc, 1, 2022), -1683309.07, 0.005);
  EXPECT_NEAR(indicator_target(doc, 8, 2024), -9525407.37, 0.005);
}

TEST(RM1Golden, RealisedHistoryCentralPathMatchesClosedForm) {
  const Expected x = closed_form(realised_drivers());
  const json doc =
      run_cogsim(repo_root() + "/scenarios/realised-history", "--central", "realised");
  const int n = compare(doc, x, Mode::Central);
  // 113 output means (12 entities + total: 6 years; FNMO 5; 6 envelopes × 3; inflation, rmpp
  // × 5; cancelled, carried beyond), 12 × 3 × (target, p_met) = 72, all_met + 4 fnmo.negative.
  EXPECT_EQ(n, 190);
  RecordProperty("values_compared", n);

  // Spec §8 / COG figures, literally: corrected rates 8.0 % (2023) and 3.2 % (2024).
  EXPECT_NEAR(output_mean(doc, "bnass.fonct.PA", 2023), 2490588.00, 0.005);
  EXPECT_NEAR(output_mean(doc, "bnass.fonct.PA", 2024), 902793.60, 0.005);
  // The other envelopes, to the cent, against the closed form.
  for (const std::string name :
       {"bnass.fonct.PA", "bnass.fonct.MAL", "bnass.fonct.ATMP", "bnpps.MAL", "bnpps.ATMP",
        "bnga.personnel"}) {
    for (int t = 2022; t <= 2024; ++t)
      EXPECT_NEAR(output_mean(doc, name, t), x.outputs.at(name).at(t), 0.005) << name << " " << t;
  }
}

// Realised history is consistent (issue 13): the scenario fixes the primitive drivers, so every
// series that reads the inflation gap sees the realised inflation. Derived here from the figures
// of the scenario (π = 5.3 %, 4.8 %, 1.8 %; F̄ = 1.5 %) and docs/model.md §3: u = π − F̄,
// π = F̄ + u, τ(k,t) = τ̄(k) + λ(k)·u(t−1) (u(2021) = 0). The old scenario (which fixed π and left
// u drawn) gives u = 0 and τ = τ̄ on the central path and fails this test.
TEST(RM1Golden, RealisedHistoryTariffsFollowRealisedInflation) {
  const fs::path dir = temp_dir("realised_drivers_model");
  const fs::path model = dir / "main.cog";
  {
    std::ofstream f(model);
    f << "extends \"" << repo_root() << "/scenarios/realised-history/main.cog\"\n"
      << "output tariff, inflation_gap, published_forecast\n";
  }
  const json doc = run_cogsim(model.string(), "--central", "realised_drivers");
  const std::map<int, double> pi = {{2022, 0.053}, {2023, 0.048}, {2024, 0.018}};
  for (const auto& [t, p] : pi) {
    EXPECT_NEAR(output_mean(doc, "inflation_gap", t), p - kSignature, 1e-12) << t;
    EXPECT_NEAR(output_mean(doc, "inflation", t), kSignature + output_mean(doc, "inflation_gap", t), 1e-12)
        << "π = F̄ + u in " << t;
  }
  const char* kinds[] = {"SAN", "EMS", "CDS", "DOM", "COM"};
  for (int k = 0; k < 5; ++k) {
    const std::string name = std::string("tariff.") + kinds[k];
    EXPECT_NEAR(output_mean(doc, name, 2022), kTariffMean[k], 1e-12) << name;  // u(2021) = 0
    for (int t = 2023; t <= 2024; ++t)
      EXPECT_NEAR(output_mean(doc, name, t), kTariffMean[k] + kPassThrough[k] * (pi.at(t - 1) - kSignature), 1e-12)
          << name << " " << t;
  }
  // By hand: τ(COM, 2023) = 1.5 % + 0.8 × 3.8 % = 4.54 %; τ(CDS, 2024) = 0.8 % + 0.3 × 3.3 % = 1.79 %.
  EXPECT_NEAR(output_mean(doc, "tariff.COM", 2023), 0.0454, 1e-12);
  EXPECT_NEAR(output_mean(doc, "tariff.CDS", 2024), 0.0179, 1e-12);

  // The envelopes, to the cent (COG arithmetic, r(2022) = 1.5 %, r(2023) = 8.0 %, r(2024) = 3.2 %;
  // BNGA × (1 + ρ − 1.5 %) with ρ = 1.88 %, 4.32 %, 2.11 %): they read π, p and ρ, which keep
  // their realised values.
  const std::map<std::string, std::array<double, 3>> cents = {
      {"bnass.fonct.PA", {899200.00, 2490588.00, 902793.60}},
      {"bnass.fonct.MAL", {2333300.00, 2424384.00, 2409790.18}},
      {"bnass.fonct.ATMP", {510300.00, 515376.00, 497316.67}},
      {"bnpps.MAL", {2289332.50, 2411640.00, 2429986.00}},
      {"bnpps.ATMP", {101500.00, 109620.00, 113127.84}},
      {"bnga.personnel", {37471854.00, 37847369.56, 37392892.52}},
  };
  for (const auto& [name, v] : cents)
    for (int t = 2022; t <= 2024; ++t)
      EXPECT_NEAR(output_mean(doc, name, t), v[t - 2022], 0.005) << name << " " << t;

  // And every figure of RM1 on this path (results, FNMO, indicators) against the closed form
  // whose tariffs read u = π − F̄.
  const Expected x = closed_form(realised_drivers());
  for (const std::string name : {"resultat.total", "resultat.CDS", "fnmo.reserve"})
    for (int t = 2022; t <= 2024; ++t)
      EXPECT_NEAR(output_mean(doc, name, t), x.outputs.at(name).at(t), 0.005) << name << " " << t;
}

// Realised history at 200 000 paths against the independent closed form. With u, p and ρ fixed,
// what is left random (tariff noise, activity, execution) enters each result as a product of
// independent factors across years, and the results and the FNMO linearly, so their expectation
// is the closed form of the central path (docs/model.md §3-§6). The old scenario (π fixed, u
// drawn) misses it by hundreds of standard errors (total result 2024: −19.1 M€ vs −11.6 M€).
// Tolerance: 4 standard errors of the mean (sd/√n, the sd from the results file).
TEST(RM1Golden, RealisedHistoryMonteCarloMeansMatchTheClosedForm) {
  const Expected x = closed_form(realised_drivers());
  const json doc = run_cogsim(repo_root() + "/scenarios/realised-history", "-n 200000 --seed 13", "realised_mc");
  const double n = doc.at("meta").at("paths").get<double>();
  ASSERT_EQ(n, 200000);
  int compared = 0;
  for (const auto& [name, series] : x.outputs) {
    if (name.rfind("resultat.", 0) != 0 && name != "fnmo.reserve") continue;
    for (int t = 2022; t <= 2024; ++t) {
      const json& st = doc.at("outputs").at(name).at(std::to_string(t));
      const double se = st.at("sd").get<double>() / std::sqrt(n);
      ASSERT_GT(se, 0) << name << " " << t;
      EXPECT_NEAR(st.at("mean").get<double>(), series.at(t), 4 * se) << name << " " << t;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 14 * 3);  // 12 entities, the total and the FNMO, 2022-2024
}

TEST(RM1Golden, ZeroStandardDeviationsMonteCarloEqualsCentralPath) {
  const fs::path dir = temp_dir("zero_model");
  const fs::path model = dir / "zero.cog";
  {
    std::ofstream f(model);
    f << "extends \"" << repo_root() << "/scenarios/cog-2022-2024/main.cog\"\n"
      << "override param gap_sd : % = 0 %\n"
      << "override param rmpp_sd : % = 0 %\n"
      << "override param tariff_sd : % = 0 %\n"
      << "override param activity_sd[entities] : % = 0 %\n"
      << "override param execution_low = 0.95\n"
      << "override param execution_high = 0.95\n";
  }
  const Expected x = closed_form(central_drivers());
  const json doc = run_cogsim(model.string(), "--paths 5000 --seed 7 --threads 2", "zero_run");
  if (doc.contains("meta") && doc["meta"].contains("paths")) {
    EXPECT_EQ(doc["meta"]["paths"].get<long long>(), 5000);
  }
  const int n = compare(doc, x, Mode::ZeroSdMonteCarlo);
  EXPECT_EQ(n, 303);  // 113 means + 113 sds + 72 indicator values + 5 events
  RecordProperty("values_compared", n);
}

}  // namespace
