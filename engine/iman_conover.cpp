#include "engine/iman_conover.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/random.hpp"

namespace cogsim::engine {

namespace {

// Lower Cholesky factor of the k×k matrix e (row-major); false if it is not positive definite.
bool cholesky(std::vector<double>& e, std::size_t k) {
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      double s = e[i * k + j];
      for (std::size_t l = 0; l < j; ++l) s -= e[i * k + l] * e[j * k + l];
      if (i == j) {
        if (!(s > 1e-12)) return false;
        e[i * k + i] = std::sqrt(s);
      } else {
        e[i * k + j] = s / e[j * k + j];
      }
    }
  return true;
}

// Columns z[i*m .. i*m+m) standardised (mean 0, population sd 1), then decorrelated in place
// (w = F⁻¹ z with E = F Fᵀ their sample correlation) when E is positive definite.
void whiten(std::vector<double>& z, std::size_t k, std::size_t m) {
  for (std::size_t i = 0; i < k; ++i) {
    double* c = z.data() + i * m;
    double mean = 0, sq = 0;
    for (std::size_t p = 0; p < m; ++p) mean += c[p];
    mean /= double(m);
    for (std::size_t p = 0; p < m; ++p) sq += (c[p] - mean) * (c[p] - mean);
    const double inv = sq > 0 ? 1 / std::sqrt(sq / double(m)) : 0;
    for (std::size_t p = 0; p < m; ++p) c[p] = (c[p] - mean) * inv;
  }
  if (m <= 2 * k) return;  // too few paths for a sample correlation worth undoing
  std::vector<double> e(k * k);
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b <= a; ++b) {
      double s = 0;
      for (std::size_t p = 0; p < m; ++p) s += z[a * m + p] * z[b * m + p];
      e[a * k + b] = e[b * k + a] = s / double(m);
    }
  if (!cholesky(e, k)) return;
  for (std::size_t i = 0; i < k; ++i)  // forward substitution, column by column
    for (std::size_t p = 0; p < m; ++p) {
      double v = z[i * m + p];
      for (std::size_t l = 0; l < i; ++l) v -= e[i * k + l] * z[l * m + p];
      z[i * m + p] = v / e[i * k + i];
    }
}

}  // namespace

void iman_conover_uniforms(const Program& p, const BlockSpec& spec, const Instr& in, double* d) {
  const std::size_t k = in.params_count;
  const std::uint64_t end = spec.first_path + spec.size;
  const std::uint64_t own = p.streams[in.streams_begin + k - 1];
  std::vector<double> z, s, jitter;
  std::vector<std::uint32_t> order;
  for (std::uint64_t path = spec.first_path; path < end;) {
    const std::uint64_t gs = path / kImanConoverGroup * kImanConoverGroup;
    const std::uint64_t ge = spec.total_paths > gs ? std::min(gs + kImanConoverGroup, spec.total_paths)
                                                   : gs + kImanConoverGroup;
    const std::size_t m = static_cast<std::size_t>(ge - gs);
    BlockSpec group = spec;
    group.first_path = gs;
    group.size = m;
    z.assign(k * m, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      // Van der Waerden scores Φ⁻¹((r + ½)/m) of each independent column's ranks r.
      double* c = z.data() + i * m;
      fill_cell_uniforms(group, p.streams[in.streams_begin + i], c);
      order.resize(m);
      std::iota(order.begin(), order.end(), 0u);
      std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return c[a] < c[b]; });
      for (std::size_t r = 0; r < m; ++r) c[order[r]] = (double(r) + 0.5) / double(m);
      inverse_normal_cdf(c, c, m);
    }
    whiten(z, k, m);
    s.assign(m, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      const double coef = p.constants[const_index(p.draw_params[in.params_begin + i])];
      for (std::size_t q = 0; q < m; ++q) s[q] += coef * z[i * m + q];
    }
    order.resize(m);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return s[a] < s[b]; });
    jitter.resize(m);
    fill_uniforms(spec.seed, hash_combine(own, 0x1C0A11ull), gs, m, jitter.data());
    const std::uint64_t stop = std::min(end, ge);
    for (std::size_t r = 0; r < m; ++r) {
      const std::uint64_t q = gs + order[r];
      if (q >= path && q < stop) d[q - spec.first_path] = (double(r) + jitter[order[r]]) / double(m);
    }
    path = stop;
  }
}

}  // namespace cogsim::engine
