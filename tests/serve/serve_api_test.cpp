// `cogsim serve`: the API in-process (handlers called directly), then over HTTP on 127.0.0.1
// (an ephemeral port): every error case with its message, the page's run equal to the bit to a
// compare of the saved avenant, superseded requests, and a bounded loop of malformed and
// concurrent requests after which the server still answers.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
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
  EXPECT_EQ((*cds)["unit"], "number");
  EXPECT_EQ((*cds)["label"], "Plan d'économies (part des charges)");
  EXPECT_NE((*cds)["source"].get<std::string>().find("RM1"), std::string::npos);
  EXPECT_FALSE(m["indicators"].empty());
  // A member map (kind[entities] : kinds) is not a number: not listed.
  for (const auto& p : m["params"]) EXPECT_NE(p["param"], "kind");
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
  expect_400(s.run(R"({"overrides": {"savings[CDS, 2024]": "3 €"}})"), "wrong unit: € given, the param is in number");
  expect_400(s.run(R"({"overrides": {"fnmo_investment": "3 %"}})"), "wrong unit: % given, the param is in €");
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
  const std::string edits = R"({"savings[CDS, 2024]": 0.031, "gap_sd": "1.5 %", "fnmo_investment": "2,5 M€"})";
  Reply run = s.run(R"({"overrides": )" + edits + R"(, "paths": 20000, "seed": 7})");
  ASSERT_EQ(run.status, 200) << run.body;
  Reply av = s.avenant(R"({"overrides": )" + edits + R"(, "name": "../../etc/évil name"})");
  ASSERT_EQ(av.status, 200) << av.body;
  json a = json::parse(av.body);
  EXPECT_EQ(a["name"], "etc---vil-name");  // sanitised ("é" is two bytes): no folder can be reached
  const fs::path file = a["file"].get<std::string>();
  EXPECT_EQ(file.parent_path(), fs::path(s.options().save_dir));
  EXPECT_NE(a["text"].get<std::string>().find("source \"page cogsim serve, "), std::string::npos);
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
