// `cogsim serve`: the API in-process (handlers called directly), then over HTTP on 127.0.0.1
// (an ephemeral port): every error case with its message, the page's run equal to the bit to a
// compare of the saved avenant, superseded requests, and a bounded loop of malformed and
// concurrent requests after which the server still answers.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "dsl/compiler.hpp"
#include "engine/compare.hpp"
#include "src/serve.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace cogsim;
using app::serve::Reply;
using app::serve::Session;

namespace {

const std::string kRm1 = std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024";

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("cogsim-serve-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

Session& session() {
  static std::unique_ptr<Session> s = [] {
    app::serve::Options o;
    o.path = kRm1;
    o.threads = 2;
    o.save_dir = temp_dir("save").string();
    std::string error;
    auto p = Session::open(o, error);
    if (!p) ADD_FAILURE() << error;
    return p;
  }();
  return *s;
}

std::string error_of(const Reply& r) { return json::parse(r.body).value("error", std::string()); }

void expect_400(const Reply& r, const std::string& fragment) {
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  EXPECT_NE(error_of(r).find(fragment), std::string::npos) << "message: " << error_of(r);
}

}  // namespace

TEST(ServeApi, ModelListsParamsWithLabelUnitSourceAndValue) {
  json m = json::parse(session().model().body);
  const json* cds = nullptr;
  for (const auto& p : m["params"])
    if (p["cell"] == "savings[CDS, 2024]") cds = &p;
  ASSERT_NE(cds, nullptr);
  EXPECT_EQ((*cds)["value"].get<double>(), 0.018);  // the table of scenarios/cog-2022-2024/entities.cog
  EXPECT_EQ((*cds)["unit"], "rate");
  EXPECT_EQ((*cds)["shown"], "%");  // a rate: shown and typed in percent on the page
  EXPECT_EQ((*cds)["label"], "Plan d'économies (part des charges)");
  EXPECT_NE((*cds)["source"].get<std::string>().find("RM1"), std::string::npos);
  EXPECT_FALSE(m["indicators"].empty());
  // A member map (kind[entities] : kinds) is not a number: not listed.
  for (const auto& p : m["params"]) EXPECT_NE(p["param"], "kind");
}

// The model's own layout: `range` of each param (scenarios/cog-2022-2024: entities.cog,
// drivers.cog, budget-params.cog) in the model's units, and the `report params` sections of
// report.cog, which list every param of numbers once.
TEST(ServeApi, ModelGivesRangesSectionsAndReportParts) {
  json m = json::parse(session().model().body);
  std::map<std::string, json> cell;
  for (const auto& p : m["params"]) cell[p["cell"]] = p;
  EXPECT_EQ(cell["savings[CDS, 2024]"]["range"], json::array({0.0, 0.15}));  // range 0 .. 0.15
  EXPECT_EQ(cell["gap_sd"]["range"], json::array({0.0, 0.03}));               // range 0 % .. 3 %
  EXPECT_EQ(cell["fnmo_investment"]["range"], json::array({0.0, 1e7}));       // range 0 € .. 10 M€
  EXPECT_FALSE(cell["fnmo_2020"].contains("range"));                          // a known figure: none
  for (const auto& [name, p] : cell)
    if (p.contains("range")) {
      EXPECT_LE(p["range"][0].get<double>(), p["value"].get<double>()) << name;
      EXPECT_GE(p["range"][1].get<double>(), p["value"].get<double>()) << name;
    }
  ASSERT_EQ(m["sections"].size(), 6u);
  EXPECT_EQ(m["sections"][0]["title"], "Plan d'économies");
  EXPECT_EQ(m["sections"][0]["params"], json::array({"savings"}));
  std::map<std::string, int> listed;
  for (const auto& sec : m["sections"])
    for (const auto& p : sec["params"]) ++listed[p.get<std::string>()];
  for (const auto& p : m["params"]) EXPECT_EQ(listed[p["param"].get<std::string>()], 1) << p["param"];
  bool entities = false;
  for (const auto& part : m["report"])
    if (part["kind"] == "entities") {
      entities = true;
      EXPECT_NE(std::find(part["outputs"].begin(), part["outputs"].end(), json("resultat.CDS")), part["outputs"].end());
    }
  EXPECT_TRUE(entities);
}

// A model without `report params` lines: one section per file that declares params, by its name
// (RM2 includes RM1's files).
TEST(ServeApi, WithoutReportParamsTheSectionsAreTheFiles) {
  dsl::Sources src;
  auto c = dsl::compile_file(std::string(COGSIM_SOURCE_DIR) + "/scenarios/cog-2022-2024-full", src);
  ASSERT_TRUE(c.program) << src.format_all(c.diags);
  std::map<std::string, std::string> section_of;
  for (const auto& sec : c.param_sections)
    for (const auto& p : sec.params) section_of[p] = sec.title;
  EXPECT_EQ(section_of["savings"], "entities.cog");
  EXPECT_EQ(section_of["gap_sd"], "drivers.cog");
  EXPECT_EQ(section_of["fnmo_investment"], "budget-params.cog");
  EXPECT_EQ(section_of.count("kind"), 0u);  // a member map is not a param of numbers
}

// The fan chart of a chosen output and the means: the variant's side is that of `cogsim run` of the
// saved avenant, the base's that of the base's run; years before the edit do not move; asking for
// the fan changes no figure of the comparison.
TEST(ServeApi, FanChartAndMeansOfBaseAndVariant) {
  Session& s = session();
  const std::string edits = R"({"savings[CDS, 2024]": 0.031})";
  Reply with = s.run(R"({"overrides": )" + edits + R"(, "paths": 20000, "seed": 7, "results": false, "fan": "resultat.CDS"})");
  Reply without = s.run(R"({"overrides": )" + edits + R"(, "paths": 20000, "seed": 7, "results": false})");
  ASSERT_EQ(with.status, 200) << with.body.substr(0, 300);
  json w = json::parse(with.body), wo = json::parse(without.body);
  w["compare"].erase("meta"), wo["compare"].erase("meta");
  EXPECT_EQ(w["compare"].dump(), wo["compare"].dump());  // the fan series is not in the comparison
  EXPECT_FALSE(wo.contains("fan"));
  const json& fan = w["fan"];
  EXPECT_EQ(fan["output"], "resultat.CDS");
  Reply av = s.avenant(R"({"overrides": )" + edits + R"(, "name": "fan-check"})");
  ASSERT_EQ(av.status, 200) << av.body;
  dsl::Sources bs, vs;
  auto base = dsl::compile_file(kRm1, bs);
  auto variant = dsl::compile_file(json::parse(av.body)["file"].get<std::string>(), vs);
  ASSERT_TRUE(variant.program) << vs.format_all(variant.diags);
  engine::RunOptions opt;
  opt.paths = 20000, opt.seed = 7, opt.threads = 2;
  engine::RunResults rb = engine::simulate(*base.program, opt), rv = engine::simulate(*variant.program, opt);
  int out = -1;
  for (std::size_t i = 0; i < base.program->outputs.size(); ++i)
    if (base.program->outputs[i].name == "resultat.CDS") out = int(i);
  ASSERT_GE(out, 0);
  const auto& years = base.program->outputs[out].years;
  ASSERT_EQ(fan["years"].size(), years.size());
  bool moved_2024 = false;
  for (std::size_t j = 0; j < years.size(); ++j) {
    const json& y = fan["years"][j];
    EXPECT_EQ(y["year"], years[j].first);
    for (const char* side : {"base", "variant"}) {
      const engine::SeriesStats& st = std::string(side) == "base" ? rb.outputs[out][j] : rv.outputs[out][j];
      for (auto [key, q] : {std::pair<const char*, double>{"p5", 0.05}, {"p25", 0.25}, {"p50", 0.5}, {"p75", 0.75}, {"p95", 0.95}}) {
        const double got = y[side][key], want = st.quantile(q);
        // the same paths; the sketch's relative accuracy (RunOptions::quantile_alpha = 1e-3) bounds the difference
        EXPECT_NEAR(got, want, 2e-3 * std::fabs(want) + 1e-6) << side << " " << key << " " << years[j].first;
      }
      EXPECT_NEAR(y[side]["mean"].get<double>(), st.moments.mean(), 1e-9 * std::fabs(st.moments.mean()) + 1e-6);
      EXPECT_LE(y[side]["p5"].get<double>(), y[side]["p25"].get<double>());
      EXPECT_LE(y[side]["p25"].get<double>(), y[side]["p50"].get<double>());
      EXPECT_LE(y[side]["p50"].get<double>(), y[side]["p75"].get<double>());
      EXPECT_LE(y[side]["p75"].get<double>(), y[side]["p95"].get<double>());
    }
    if (years[j].first < 2024) EXPECT_EQ(y["base"], y["variant"]) << years[j].first;  // the edit is in 2024
    else moved_2024 |= y["base"]["p50"] != y["variant"]["p50"];
    const json& mean = w["means"]["resultat.CDS"][std::to_string(years[j].first)];
    EXPECT_EQ(mean["base"].get<double>(), rb.outputs[out][j].moments.mean());
    EXPECT_NEAR(mean["variant"].get<double>(), rv.outputs[out][j].moments.mean(),
                1e-9 * std::fabs(rv.outputs[out][j].moments.mean()));
  }
  EXPECT_TRUE(moved_2024);
  // The saved avenant keeps the params' ranges (an `extend param` keeps the base's).
  bool ranged = false;
  for (const auto& c : variant.params)
    if (c.cell == "savings[CDS, 2024]") ranged = c.range == std::make_pair(0.0, 0.15);
  EXPECT_TRUE(ranged);
  Reply scalar = s.avenant(R"({"overrides": {"gap_sd": "2 %"}, "name": "range-check"})");
  ASSERT_EQ(scalar.status, 200) << scalar.body;
  dsl::Sources ss;
  auto sc = dsl::compile_file(json::parse(scalar.body)["file"].get<std::string>(), ss);
  ASSERT_TRUE(sc.program) << ss.format_all(sc.diags);
  ranged = false;  // an `override param` writes the range again
  for (const auto& c : sc.params)
    if (c.cell == "gap_sd") ranged = c.range == std::make_pair(0.0, 0.03) && c.value == 0.02;
  EXPECT_TRUE(ranged) << json::parse(scalar.body)["text"].get<std::string>();
  expect_400(s.run(R"({"fan": "resultat.CDX"})"), "fan: unknown output 'resultat.CDX'; did you mean 'resultat.CDS'?");
  expect_400(s.run(R"({"fan": 3})"), "fan: expected a string");
  expect_400(s.run(R"({"results": "yes"})"), "results: expected true or false");  // was read as true
}

TEST(ServeApi, EveryBadRequestIsA400NamingTheField) {
  Session& s = session();
  expect_400(s.run("{"), "body: malformed JSON");
  expect_400(s.run("[1,2]"), "body: expected a JSON object");
  expect_400(s.run(std::string(app::serve::kMaxBody + 1, ' ')), "body: 65537 bytes, over the limit");
  expect_400(s.run(R"({"overides": {}})"), "overides: unknown field");
  expect_400(s.run(R"({"overrides": [1]})"), "overrides: expected an object");
  expect_400(s.run(R"({"overrides": {"savings[CDX, 2024]": 0.03}})"),
             "overrides: unknown param cell 'savings[CDX, 2024]'; did you mean 'savings[CDS,2024]'?");
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": 1e999}})"), "body: malformed JSON ([json.exception.out_of_range.406] number overflow");
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": "1e999"}})"), "overrides[\"savings[CDS, 2024]\"]: not a finite number");
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": "NaN"}})"), "'NaN' is not a number");
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": true}})"), "overrides[\"savings[CDS, 2024]\"]: expected a number");
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": "3 €"}})"), "wrong unit: € given, the param is a plain number or rate (declared `: rate`)");
  expect_400(s.run(R"({"overrides": {"fnmo_investment": "3 %"}})"), "wrong unit: % given, the param is in €");
  expect_400(s.run(R"({"overrides": {"execution_low": "3 M€"}})"),
             "wrong unit: M€ given, the param is a plain number or rate (no unit declared)");
  expect_400(s.goal(R"({"param": "savings[CDS, 2024]", "indicator": "8", "year": 2024, "probability": 0.8,
                        "lo": "1 €", "hi": "10 %"})"),
             "lo: wrong unit: € given");
  expect_400(s.goal(R"({"param": "savings[CDS, 2024]", "indicator": "8", "year": 2024, "probability": 0.8,
                        "lo": "5 %", "hi": "0,02"})"),
             "lo: must be below hi");  // 5 % = 0.05 is above 0.02: the bounds are read in the param's units
  expect_400(s.run(R"({"overrides": {"fnmo_investment": "5"}})"), "wrong unit: a number without unit");
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": "3 kg"}})"), "unknown unit 'kg'");
  expect_400(s.run(R"({"paths": 10})"), "paths: 10 is out of range (1000 to 1000000)");
  expect_400(s.run(R"({"paths": 2000000})"), "paths: 2000000 is out of range");
  expect_400(s.run(R"({"paths": -5})"), "paths: expected a whole number");
  expect_400(s.run(R"({"paths": 1.5})"), "paths: expected a whole number");
  expect_400(s.run(R"({"seed": "x"})"), "seed: expected a whole number");
  expect_400(s.goal(R"({"indicator": "8", "year": 2024, "probability": 0.8, "lo": 0, "hi": 0.1})"), "param: missing");
  expect_400(s.goal(R"({"param": "nope", "indicator": "8", "year": 2024, "probability": 0.8, "lo": 0, "hi": 0.1})"),
             "param: unknown param cell 'nope'");
  expect_400(s.goal(R"({"param": "savings[CDS, 2024]", "year": 2024, "probability": 0.8, "lo": 0, "hi": 0.1})"),
             "indicator: give either indicator or event");
  expect_400(s.goal(R"({"param": "savings[CDS, 2024]", "indicator": "8", "year": 2024, "probability": 1.5, "lo": 0,
                        "hi": 0.1})"),
             "probability: must be between 0 and 1");
  expect_400(s.goal(R"({"param": "savings[CDS, 2024]", "indicator": "8", "year": 2024, "probability": 0.8, "lo": 1,
                        "hi": 0.1})"),
             "lo: must be below hi");
  expect_400(s.goal(R"({"param": "savings[CDS, 2024]", "indicator": "8", "probability": 0.8, "lo": 0, "hi": 1})"),
             "year: missing");
  expect_400(s.avenant(R"({"overrides": {}})"), "overrides: no change to save");
  expect_400(s.avenant(R"({"overrides": {"savings[CDS, 2024]": 0.03}, "name": 3})"), "name: expected a string");
}

// What the page sends: the digits typed, with a decimal comma or point, and a unit. Each reaches
// the model as the rules language reads the same text (`3.26 %` is strtod("3.26") / 100, which is
// not always the double nearest 0.0326's decimal: 2.8 % is 0.027999999999999997): the expected
// values come from compiling a model that writes them as literals, not from the server's code.
TEST(ServeApi, ValuesTypedTheFrenchWayReachTheModelAsItsLiterals) {
  const fs::path dir = temp_dir("units");
  {
    std::ofstream(dir / "main.cog") << "model \"Unités\" base 2021 years 2022..2023\n"
                                       "param big : M€ \"Gros\" range 0 € .. 10 M€ = 2 M€\n"
                                       "param r[2022..2023] : rate \"Taux\" = { 2022: 1 %, 2023: 1 % }\n"
                                       "param k : % \"Pourcentage\" = 1 %\n"
                                       "param n : number \"Nombre\" = 3\n"
                                       "param cost \"Coût, sans mot d'unité\" = 1 500 €\n"
                                       "param g[2022..2023] \"Taux écrits en %, sans mot d'unité\" = { 2022: 0, 2023: 2 % }\n"
                                       "param h \"Nombre sans mot d'unité\" = 0.5\n"
                                       "var v[t in 2022..2023] : € \"V\" = (big + cost) * (1 + r[t] + k + g[t]) * n * h\n"
                                       "output v\n";
  }
  app::serve::Options o;
  o.path = (dir / "main.cog").string();
  o.threads = 1;
  std::string error;
  auto s = Session::open(o, error);
  ASSERT_TRUE(s) << error;
  json m = json::parse(s->model().body);
  std::map<std::string, std::string> shown;
  for (const auto& p : m["params"]) shown[p["param"].get<std::string>()] = p["shown"].get<std::string>();
  // The declared unit word, or without one the dimension and how the values are written.
  EXPECT_EQ(shown, (std::map<std::string, std::string>{
                       {"big", "M€"}, {"r", "%"}, {"k", "%"}, {"n", ""}, {"cost", "€"}, {"g", "%"}, {"h", ""}}));
  // typed -> the same value written in a model file
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"3,26 %", "3.26 %"}, {"2,8 %", "2.8 %"}, {"0,07%", "0.07 %"}, {"12.34 %", "12.34 %"}, {"-1,1 %", "-1.1 %"}};
  for (const auto& [typed, literal] : cases) {
    Reply r = s->run(json{{"overrides", {{"r[2023]", typed}, {"k", typed}}}, {"paths", 1000}, {"results", false}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    dsl::Sources src;
    auto c = dsl::compile_text("lit.cog", "model \"L\" base 2021 years 2022..2022\nparam p = " + literal +
                                              "\nvar v[t in 2022..2022] = p\noutput v\n", src);
    ASSERT_TRUE(c.program) << literal;
    const double want = *c.params.at(0).value;
    json got = json::parse(r.body)["overrides"];
    EXPECT_EQ(got["r[2023]"].get<double>(), want) << typed;
    EXPECT_EQ(got["k"].get<double>(), want) << typed;
  }
  // The literal, and the nearest decimal: the same number (2.8 / 100 would be one ulp above).
  EXPECT_NE(2.8 / 100, 0.028);
  Reply r = s->run(R"({"overrides": {"big": "2,5 M€", "n": "1 500,25"}, "paths": 1000, "results": false})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["overrides"]["big"].get<double>(), 2.5e6);
  EXPECT_EQ(json::parse(r.body)["overrides"]["n"].get<double>(), 1500.25);
  expect_400(s->run(R"({"overrides": {"big": "3"}})"), "wrong unit: a number without unit, the param is in M€ (write \"… M€\")");
  expect_400(s->run(R"({"overrides": {"big": "3 %"}})"), "wrong unit: % given, the param is in M€");
  // Without a unit word, an amount is still one: its values are checked as a € param's.
  expect_400(s->run(R"({"overrides": {"cost": "3 %"}})"), "wrong unit: % given, the param is in €");
  expect_400(s->run(R"({"overrides": {"g[2023]": "3 €"}})"),
             "wrong unit: € given, the param is a plain number or rate (no unit declared)");
  r = s->run(R"({"overrides": {"cost": "2,5 k€", "g[2023]": "2,8 %"}, "paths": 1000, "results": false})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["overrides"]["cost"].get<double>(), 2500);
  EXPECT_EQ(json::parse(r.body)["overrides"]["g[2023]"].get<double>(), 0.028);
  // French figures as the page shows them: a narrow no-break space between digit groups, the minus sign.
  r = s->run("{\"overrides\": {\"cost\": \"1\u202f500 €\", \"g[2023]\": \"\u22121,5 %\"}, \"paths\": 1000, \"results\": false}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["overrides"]["cost"].get<double>(), 1500);
  EXPECT_EQ(json::parse(r.body)["overrides"]["g[2023]"].get<double>(), -0.015);
  fs::remove_all(dir);
}

// Overriding a cell with its own value changes nothing: every paired difference is exactly 0,
// which holds only if base and variant run on the same draws.
TEST(ServeApi, SameValueGivesZeroDeltas) {
  Reply r = session().run(R"({"overrides": {"savings[CDS, 2024]": 0.018}, "paths": 2000, "results": false})");
  ASSERT_EQ(r.status, 200) << r.body;
  json c = json::parse(r.body)["compare"]["delta"];
  std::size_t n = 0;
  for (auto& [id, ind] : c["indicators"].items())
    for (auto& [y, v] : ind["years"].items()) {
      EXPECT_EQ(v["delta"].get<double>(), 0.0) << id << " " << y;
      ++n;
    }
  EXPECT_GT(n, 10u);
  for (auto& [name, years] : c["outputs"].items())
    for (auto& [y, v] : years.items()) EXPECT_EQ(v["sd"].get<double>(), 0.0) << name << " " << y;
}

// The acceptance: page edit -> saved avenant -> compare BASE AVENANT gives the page's numbers.
TEST(ServeApi, SavedAvenantReproducesThePageToTheBit) {
  Session& s = session();
  const std::string edits = R"({"savings[CDS, 2024]": 0.031, "savings[OPTIQUE, 2022]": 0.1, "gap_sd": "1.5 %",
                                 "fnmo_investment": "2,5 M€", "signature_forecast[2024]": "2 %"})";
  Reply run = s.run(R"({"overrides": )" + edits + R"(, "paths": 20000, "seed": 7})");
  ASSERT_EQ(run.status, 200) << run.body;
  Reply av = s.avenant(R"({"overrides": )" + edits + R"(, "name": "../../etc/évil name"})");
  ASSERT_EQ(av.status, 200) << av.body;
  json a = json::parse(av.body);
  EXPECT_EQ(a["name"], "etc-evil-name");  // sanitised (é as e, no run of -): no folder can be reached
  const fs::path file = a["file"].get<std::string>();
  EXPECT_EQ(file.parent_path(), fs::path(s.options().save_dir));
  EXPECT_NE(a["text"].get<std::string>().find("source \"page cogsim serve, "), std::string::npos);
  // A table with years gets `extend param` with the edited rows over the edited years (the other
  // cells of those rows and years as the model has them); a single value gets `override param`.
  const std::string text = a["text"];
  EXPECT_NE(text.find("extend param savings[entities, 2022..2024]"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  CDS: 0.028, 0.024, 0.031\n  OPTIQUE: 0.1, 0.067, 0.094\n}"), std::string::npos) << text;
  EXPECT_NE(text.find("extend param signature_forecast[2024..2024]"), std::string::npos) << text;
  EXPECT_NE(text.find("override param gap_sd : % "), std::string::npos) << text;
  EXPECT_EQ(text.find("override param savings"), std::string::npos) << text;
  dsl::Sources bs, vs;
  auto base = dsl::compile_file(kRm1, bs), variant = dsl::compile_file(file.string(), vs);
  ASSERT_TRUE(variant.program) << vs.format_all(variant.diags) << a["text"].get<std::string>();
  EXPECT_TRUE(dsl::run_checks(*variant.program).empty());
  engine::RunOptions opt;
  opt.paths = 20000, opt.seed = 7, opt.threads = 2;
  engine::CompareResults r = engine::compare(*base.program, *variant.program, opt);
  json page = json::parse(run.body);
  std::size_t n = 0;
  for (const auto& ind : r.indicators)
    for (const auto& y : ind.years) {
      const json& p = page["compare"]["delta"]["indicators"][ind.id]["years"][std::to_string(y.year)];
      EXPECT_EQ(p["variant"].get<double>(), y.variant.p()) << ind.id << " " << y.year;
      EXPECT_EQ(p["delta"].get<double>(), y.delta()) << ind.id << " " << y.year;
      EXPECT_EQ(p["se"].get<double>(), y.std_error()) << ind.id << " " << y.year;
      ++n;
    }
  EXPECT_GT(n, 10u);
  for (const auto& o : r.outputs)
    for (const auto& y : o.years)
      EXPECT_EQ(page["compare"]["delta"]["outputs"][o.name][std::to_string(y.year)]["mean"].get<double>(), y.delta.moments.mean());
  // The edit shows: the 2024 savings rate of the centres de santé moved P(met) of something.
  bool moved = false;
  for (const auto& ind : r.indicators)
    for (const auto& y : ind.years) moved |= y.delta() != 0;
  EXPECT_TRUE(moved);
}

// --save-dir set to the model's own folder: an avenant named after one of the model's files would
// replace it (and the model would then extend itself). Refused, the file unchanged; another name saves.
TEST(ServeApi, AnAvenantNeverReplacesAFileOfTheModel) {
  const fs::path dir = temp_dir("own-folder");
  fs::copy(kRm1, dir, fs::copy_options::recursive);
  app::serve::Options o;
  o.path = dir.string();
  o.threads = 1;
  o.save_dir = dir.string();
  std::string error;
  auto s = Session::open(o, error);
  ASSERT_TRUE(s) << error;
  auto read = [](const fs::path& f) {
    std::ifstream in(f);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (const std::string name : {"main", "drivers"}) {
    const std::string before = read(dir / (name + ".cog"));
    Reply r = s->avenant(R"({"overrides": {"gap_sd": 0.02}, "name": ")" + name + R"("})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(error_of(r).find("a file of the model"), std::string::npos) << r.body;
    EXPECT_EQ(read(dir / (name + ".cog")), before) << name;
  }
  Reply ok = s->avenant(R"({"overrides": {"gap_sd": 0.02}, "name": "avenant-1"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(fs::exists(dir / "avenant-1.cog"));
  fs::remove_all(dir);
}

// A saved avenant must compile and hold the page's values, whatever the params look like: one
// without a label (was written `""`, an error), a scalar declared `: M€` and one whose € comes
// from its value (were written without a unit: a rate in place of an amount), a label holding a
// quote and a backslash (was cut short, or altered). A value equal to the model's is no change.
TEST(ServeApi, ASavedAvenantCompilesAndHoldsThePagesValuesForEveryKindOfParam) {
  const fs::path dir = temp_dir("kinds");
  std::ofstream(dir / "main.cog") << R"(model "m" base 2019 years 2020..2021
param pct = 2 %
param m : M€ "Millions" = 2 M€
param plain = 3 €
param odd : € "a \"quoted\" label \\ with a backslash" source "s \\ \"q\"" = 5 €
var x[t in 2020..2021] = m + plain + odd + pct * 1 € + normal(0 €, 1 €)
output x
)";
  app::serve::Options o;
  o.path = dir.string();
  o.threads = 1;
  o.save_dir = (dir / "saved").string();
  fs::create_directories(o.save_dir);
  std::string error;
  auto s = Session::open(o, error);
  ASSERT_TRUE(s) << error;
  Reply same = s->avenant(R"({"overrides": {"pct": "2 %", "m": "2 M€"}, "name": "same"})");
  EXPECT_EQ(same.status, 400) << same.body;
  EXPECT_NE(error_of(same).find("no change to save"), std::string::npos) << same.body;
  Reply r = s->avenant(R"({"overrides": {"pct": "3 %", "m": "3 M€", "plain": "4 €", "odd": "6 €"}, "name": "all"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string file = json::parse(r.body)["file"];
  dsl::Sources sources;
  const dsl::Compiled c = dsl::compile_file(file, sources);
  ASSERT_TRUE(c.program) << sources.format_all(c.diags) << json::parse(r.body)["text"].get<std::string>();
  std::map<std::string, double> got;
  for (const auto& p : c.params)
    if (p.value) got[p.cell] = *p.value;
  EXPECT_EQ(got["pct"], 0.03);
  EXPECT_EQ(got["m"], 3e6);
  EXPECT_EQ(got["plain"], 4);
  EXPECT_EQ(got["odd"], 6);
  for (const auto& p : c.params)
    if (p.param == "odd") EXPECT_EQ(p.label, "a \"quoted\" label \\ with a backslash");
  // A French name keeps its letters (each byte of "é" was a '-').
  Reply named = s->avenant(R"({"overrides": {"pct": "4 %"}, "name": "Avenant n°2 été"})");
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(json::parse(named.body)["name"], "Avenant-n-2-ete");
  fs::remove_all(dir);
}

// Goal seek answers with a value on both sides of which P is on each side of the target
// (checked with two runs of the API, not with the goal code).
TEST(ServeApi, GoalAnswerBracketsTheTarget) {
  Session& s = session();
  Reply g = s.goal(R"({"param": "savings[CDS, 2024]", "indicator": "8", "year": 2024, "probability": 0.8, "lo": 0,
                       "hi": 0.1, "paths": 4000})");
  ASSERT_EQ(g.status, 200) << g.body;
  json j = json::parse(g.body);
  const double v = j["value"], se = j["std_error"];
  ASSERT_TRUE(std::isfinite(se));
  auto p_at = [&](double x) {
    Reply r = s.run(R"({"overrides": {"savings[CDS, 2024]": )" + std::to_string(x) + R"(}, "paths": 4000, "results": false})");
    return json::parse(r.body)["compare"]["delta"]["indicators"]["8"]["years"]["2024"]["variant"].get<double>();
  };
  const double d = std::max(0.002, 3 * se);
  const double below = p_at(v - d), above = p_at(v + d);
  EXPECT_TRUE((below - 0.8) * (above - 0.8) <= 0) << below << " " << above << " at " << v << " ± " << d;
}

TEST(ServeApi, ASupersededRunGivesWayToTheNewerOne) {
  Session& s = session();
  Reply first, second;
  {
    std::unique_lock<std::mutex> busy(s.lock());  // a computation in progress
    const auto ticket = s.latest_run().load() + 1;
    std::thread a([&] { first = s.run(R"({"paths": 1000, "results": false})"); });
    while (s.latest_run() < ticket) std::this_thread::yield();
    std::thread b([&] { second = s.run(R"({"paths": 1000, "results": false})"); });
    while (s.latest_run() < ticket + 1) std::this_thread::yield();
    busy.unlock();
    a.join(), b.join();
  }
  EXPECT_EQ(first.status, 409) << first.body;
  EXPECT_EQ(error_of(first), "superseded by a newer request");
  EXPECT_EQ(second.status, 200) << second.body;
}

namespace {

struct LiveServer {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  explicit LiveServer(Session& s) {
    app::serve::mount(server, s);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LiveServer() {
    server.stop();
    thread.join();
  }
};

}  // namespace

TEST(ServeHttp, PageAndApiOverLoopback) {
  LiveServer live(session());
  httplib::Client c("127.0.0.1", live.port);
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Enregistrer l'avenant"), std::string::npos);
  EXPECT_EQ(page->body.find("src=\"http"), std::string::npos);  // self-contained: nothing fetched elsewhere
  EXPECT_EQ(page->body.find("href=\"http"), std::string::npos);
  auto bad = c.Post("/api/run", R"({"overrides": {"nope": 1}})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("unknown param cell 'nope'"), std::string::npos);
  auto huge = c.Post("/api/run", std::string(5 * app::serve::kMaxBody, 'x'), "application/json");
  EXPECT_TRUE(!huge || huge->status == 413);  // over the library's hard limit: refused before the handler
  auto ok = c.Post("/api/run", R"({"paths": 1000})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_TRUE(json::parse(ok->body).contains("results"));  // the shape of `run --json`
  EXPECT_TRUE(json::parse(ok->body)["results"].contains("indicators"));
}

// Every answer is JSON, the library's refusals too (they had empty bodies): an unknown route, a
// method no route takes, a form-encoded body past the library's own 8 KiB limit.
TEST(ServeHttp, TheLibrarysOwnRefusalsAreJson) {
  LiveServer live(session());
  httplib::Client c("127.0.0.1", live.port);
  auto missing = c.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["error"], "no such page or API route: GET /nope");
  auto put = c.Put("/api/run", "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_GE(put->status, 400);
  EXPECT_NE(json::parse(put->body)["error"].get<std::string>().find("PUT /api/run"), std::string::npos);
  auto form = c.Post("/api/run", "{\"x\": \"" + std::string(20000, 'a') + "\"}", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 413);
  EXPECT_NE(json::parse(form->body)["error"].get<std::string>().find("Content-Type: application/json"), std::string::npos);
}

// A bounded loop of malformed and concurrent requests; afterwards the server still answers.
TEST(ServeHttp, SurvivesMalformedAndConcurrentRequests) {
  LiveServer live(session());
  const std::vector<std::string> bodies = {
      "", "{", "}", "null", "[]", "\"x\"", R"({"paths": 1e400})", R"({"overrides": {"": 1}})",
      R"({"overrides": {"savings[CDS, 2024]": {}}})", R"({"paths": 18446744073709551615})",
      R"({"overrides": {"savings[": 1}})", std::string("\0\xff\xfe{", 4), R"({"paths": 1000, "results": false})"};
  std::atomic<int> answered{0}, unexpected{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", live.port);
      c.set_read_timeout(60, 0);
      std::mt19937 rng(t);
      for (int i = 0; i < 25; ++i) {
        std::string body = bodies[rng() % bodies.size()];
        if (rng() % 4 == 0) body += std::string(rng() % 100, char(rng()));
        const char* path = (rng() % 3 == 0) ? "/api/goal" : (rng() % 2 == 0) ? "/api/avenant" : "/api/run";
        auto r = c.Post(path, body, "application/json");
        if (!r) continue;
        ++answered;
        if (r->status != 200 && r->status != 400 && r->status != 409 && r->status != 422) {
          ++unexpected;
          ADD_FAILURE() << path << " " << r->status << " " << r->body.substr(0, 200);
        }
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_GT(answered.load(), 90);
  EXPECT_EQ(unexpected.load(), 0);
  httplib::Client c("127.0.0.1", live.port);
  auto m = c.Get("/api/model");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
}
