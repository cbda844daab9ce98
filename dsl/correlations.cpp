// Correlations between the draws of definitions: a Gaussian copula, cell by cell.
// `rank` asks for a Spearman correlation ρs, obtained exactly by the copula with Pearson
// correlation 2·sin(π·ρs/6) between the normal scores. A matrix that is not positive
// semi-definite is replaced by the nearest correlation matrix (Higham's alternating projections).
#include <Eigen/Dense>
#include <functional>
#include <cmath>
#include <cstdio>

#include "dsl/declare.hpp"
#include "dsl/lowering.hpp"
#include "dsl/suggest.hpp"
#include "dsl/text_checks.hpp"
#include "engine/random.hpp"

namespace cogsim::dsl {

namespace {

Eigen::MatrixXd nearest_correlation(const Eigen::MatrixXd& a) {
  Eigen::MatrixXd y = a, ds = Eigen::MatrixXd::Zero(a.rows(), a.cols());
  for (int it = 0; it < 200; ++it) {
    Eigen::MatrixXd r = y - ds;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(r);
    Eigen::VectorXd ev = es.eigenvalues().cwiseMax(1e-10);
    Eigen::MatrixXd x = es.eigenvectors() * ev.asDiagonal() * es.eigenvectors().transpose();
    ds = x - r;
    Eigen::MatrixXd prev = y;
    y = x;
    y.diagonal().setOnes();
    if ((y - prev).norm() < 1e-12) break;
  }
  // Make it strictly positive definite for the Cholesky factor, keeping a unit diagonal.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(y);
  Eigen::VectorXd ev = es.eigenvalues().cwiseMax(1e-10);
  y = es.eigenvectors() * ev.asDiagonal() * es.eigenvectors().transpose();
  Eigen::VectorXd d = y.diagonal().cwiseSqrt().cwiseInverse();
  return d.asDiagonal() * y * d.asDiagonal();
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

}  // namespace

// One `correlate A with B RHO` line, checked: two distinct vars with the same indices, and a
// correlation in [-1, 1].
std::optional<Declarer::CorrPair> Declarer::correlation_pair(const ast::CorrelateDecl& d) {
  int ids[2] = {-1, -1};
  const ast::Ident* names[2] = {&d.a, &d.b};
  for (int k = 0; k < 2; ++k) {
    auto it = m_.symbol_index.find(names[k]->name);
    if (it == m_.symbol_index.end()) {
      error(names[k]->loc, "unknown name '" + names[k]->name + "'" + did_you_mean(names[k]->name, m_.known_names(nullptr)));
      continue;
    }
    if (m_.symbols[it->second].kind != Kind::Var) {
      error(names[k]->loc, "only the draws of a var can be correlated; '" + names[k]->name + "' is not a var");
      continue;
    }
    // Correlated is its one draw: a var without any is paired with nothing (its measured rank
    // correlation comes out null). An error where the var is defined beside the `correlate`; a
    // warning when a later layer made it constant (`override var a = 0.02`: a scenario's right).
    if (const ast::VarDecl* v = m_.symbols[it->second].var; v && !holds_a_draw(*v)) {
      const std::string why = "'" + names[k]->name + "' holds no random draw, so it cannot be correlated (correlate "
                              "pairs the draws of two vars)";
      if (v->loc.file == d.loc.file) {
        error(names[k]->loc, why);
        continue;
      }
      warning(names[k]->loc, why + "; its definition at " + file_line(sources_, v->loc) +
                                 " replaces a random one: this pair has no effect");
    }
    ids[k] = it->second;
  }
  if (ids[0] < 0 || ids[1] < 0) return std::nullopt;
  if (ids[0] == ids[1]) {
    error(d.b.loc, "a var cannot be correlated with itself");
    return std::nullopt;
  }
  double rho = literal(d.value)->first;
  if (!(rho >= -1 && rho <= 1) || (!d.value.unit.empty() && d.value.unit != "%")) {
    error(d.value.loc, "a correlation is a number between -1 and 1");
    return std::nullopt;
  }
  const Symbol &sa = m_.symbols[ids[0]], &sb = m_.symbols[ids[1]];
  // The same sets; a year index on both (its ranges may differ: `inflation_gap` from 2021 and
  // `rmpp` from 2020 are paired on the years both draw).
  bool same = sa.axes.size() == sb.axes.size();
  for (std::size_t i = 0; same && i < sa.axes.size(); ++i)
    same = sa.axes[i].is_year == sb.axes[i].is_year && sa.axes[i].set == sb.axes[i].set;
  if (!same) {
    error(d.loc, "'" + sa.name + "' and '" + sb.name + "' must have the same indices to be correlated cell by cell");
    return std::nullopt;
  }
  return CorrPair{ids[0], ids[1], rho, d.rank, &d};
}

// A group's matrix (rank correlations as the Pearson correlation of the normal scores), repaired
// when it is not positive semi-definite, and its Cholesky factor; its pairs as declared.
void Declarer::factor_group(int gi, const std::vector<CorrPair>& pairs) {
  CorrGroup& g = m_.corr_groups[gi];
  const int k = int(g.syms.size());
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(k, k);
  std::vector<const CorrPair*> mine;
  for (const auto& p : pairs) {
    if (m_.corr_of[p.a].first != gi) continue;
    int i = m_.corr_of[p.a].second, j = m_.corr_of[p.b].second;
    double r = p.rank ? 2 * std::sin(M_PI * p.rho / 6) : p.rho;
    m(i, j) = m(j, i) = r;
    mine.push_back(&p);
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m);
  Eigen::MatrixXd used = m;
  auto as_asked = [&](const CorrPair& p) {
    int i = m_.corr_of[p.a].second, j = m_.corr_of[p.b].second;
    return p.rank ? 6 / M_PI * std::asin(used(i, j) / 2) : used(i, j);
  };
  if (es.eigenvalues().minCoeff() < 1e-10) {
    used = nearest_correlation(m);
    std::string what;
    for (const CorrPair* p : mine)
      what += "; " + m_.symbols[p->a].name + "–" + m_.symbols[p->b].name + " " + fmt(as_asked(*p)) + " (asked " +
              fmt(p->rho) + ")";
    warning(mine.front()->d->loc, "the correlations asked cannot be used as they are (a correlation of ±1, or pairs "
                                  "that cannot hold together: the matrix is not positive definite); using the nearest "
                                  "valid matrix" + what);
  }
  Eigen::LLT<Eigen::MatrixXd> llt(used);
  Eigen::MatrixXd l = llt.matrixL();
  g.chol.assign(k, std::vector<double>(k, 0));
  for (int i = 0; i < k; ++i)
    for (int j = 0; j <= i; ++j) g.chol[i][j] = l(i, j);
  for (const CorrPair* p : mine) {
    engine::CorrelationOut c;
    c.a = m_.symbols[p->a].name;
    c.b = m_.symbols[p->b].name;
    c.rank = p->rank;
    c.requested = p->rho;
    c.used = as_asked(*p);
    m_.correlations.push_back(c);
    m_.corr_pairs.push_back({p->a, p->b});
  }
}

void Declarer::declare_correlations() {
  if (m_.correlates.empty()) return;
  // Connected components of the pairs become the groups.
  std::vector<int> parent(m_.symbols.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = int(i);
  std::function<int(int)> root = [&](int x) { return parent[x] == x ? x : parent[x] = root(parent[x]); };
  std::vector<CorrPair> pairs;
  std::map<std::pair<int, int>, const ast::CorrelateDecl*> seen;  // a pair given twice: the second is an error
  for (const auto* d : m_.correlates)
    if (auto p = correlation_pair(*d)) {
      // Twice in one file is a slip; a later file (a scenario) restating a pair changes its value,
      // the last one holding, as before.
      const auto key = std::minmax(p->a, p->b);
      if (auto [it, fresh] = seen.emplace(std::pair{key.first, key.second}, d); !fresh && it->second->loc.file == d->loc.file) {
        error(d->loc, "'" + m_.symbols[p->a].name + "' and '" + m_.symbols[p->b].name + "' are already correlated (at " +
                          file_line(sources_, it->second->loc) + "); give each pair once");
        continue;
      } else if (!fresh) {
        it->second = d;
      }
      pairs.push_back(*p);
      parent[root(p->a)] = root(p->b);
    }
  std::map<int, int> group_of_root;
  for (const auto& p : pairs) {
    for (int s : {p.a, p.b}) {
      int r = root(s);
      if (!group_of_root.count(r)) {
        group_of_root[r] = int(m_.corr_groups.size());
        m_.corr_groups.emplace_back();
      }
      CorrGroup& g = m_.corr_groups[group_of_root[r]];
      if (!m_.corr_of.count(s)) {
        m_.corr_of[s] = {group_of_root[r], int(g.syms.size())};
        g.syms.push_back(s);
      }
    }
  }
  for (std::size_t gi = 0; gi < m_.corr_groups.size(); ++gi) factor_group(int(gi), pairs);
}

// The copula uniform for the draw about to be emitted, when its definition is correlated.
std::optional<engine::Operand> Lowering::correlated_uniform(const Env& env, SourceLoc loc) {
  if (env.symbol < 0) return std::nullopt;
  auto it = m_.corr_of.find(env.symbol);
  if (it == m_.corr_of.end()) return std::nullopt;
  if (env.draw_ordinal != 1) {  // draw() has already counted this draw
    error(loc, "'" + m_.symbols[env.symbol].name + "' is correlated, so its definition must hold exactly one random draw");
    return std::nullopt;
  }
  const CorrGroup& g = m_.corr_groups[it->second.first];
  const int j = it->second.second;
  // Every member's independent stream for this same cell: the identity its own draw would have.
  std::uint64_t cell = 0;
  engine::Instr in;
  in.op = engine::Op::CorrUniform;
  in.streams_begin = std::uint32_t(program_.streams.size());
  in.params_begin = std::uint32_t(program_.draw_params.size());
  in.params_count = std::uint32_t(j + 1);
  for (int i = 0; i <= j; ++i) {
    std::uint64_t s = engine::hash_combine(engine::hash_name(m_.symbols[g.syms[i]].name), 0);
    for (const auto& b : env.binds)
      s = engine::hash_combine(s, b.is_year ? std::uint64_t(b.value) : engine::hash_name(m_.sets[b.set].members[b.value]));
    program_.streams.push_back(s);
    program_.draw_params.push_back(em_.intern(g.chol[j][i]));
  }
  for (const auto& b : env.binds) cell = engine::hash_combine(cell, std::uint64_t(b.value));
  in.dst = program_.num_slots++;
  program_.code.push_back(in);
  corr_cells_[{env.symbol, cell}] = in.dst;
  // Remember one cell of each pair to measure the rank correlation achieved.
  for (std::size_t k = 0; k < m_.corr_pairs.size(); ++k) {
    auto [a, b] = m_.corr_pairs[k];
    if (a != env.symbol && b != env.symbol) continue;
    auto ia = corr_cells_.find({a, cell}), ib = corr_cells_.find({b, cell});
    auto& out = program_.correlations[k];
    if (ia != corr_cells_.end() && ib != corr_cells_.end() && engine::is_const(out.ua)) {
      out.ua = ia->second;
      out.ub = ib->second;
    }
  }
  return in.dst;
}

}  // namespace cogsim::dsl
