#pragma once
// Univariate distributions of the rules language, all sampled by inversion (quantile of a uniform)
// so that the same code serves plain Monte Carlo, Latin Hypercube strata and copulas.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cogsim::engine {

enum class Dist : std::uint8_t { Normal, LogNormal, Uniform, Triangular, Pert, Discrete, TruncNormal };

// Number of scalar parameters (Discrete is variable, pairs value,prob: returns -1).
int dist_param_count(Dist d);

// Parameters:
//  Normal(mean, sd); LogNormal(mu, sigma) of the underlying normal; Uniform(lo, hi);
//  Triangular(lo, mode, hi); Pert(lo, mode, hi) (Beta-PERT, lambda = 4);
//  Discrete(v0, p0, v1, p1, ...) probabilities sum to 1; TruncNormal(mean, sd, lo, hi).
// Parameters are assumed to have passed dist_check. Degenerate ones (sd = 0, lo == hi) give the
// obvious constant. Discrete is fastest when values are listed in increasing order.

// Quantile function (inverse CDF) at u in (0,1).
double dist_quantile(Dist d, const double* params, std::size_t nparams, double u);
// A discrete law's quantiles over a block, in place (d: the uniforms in, the values out), the same
// bits as dist_quantile; false, d untouched, when the values are not in increasing order.
bool discrete_quantiles(const double* params, std::size_t nparams, double* d, std::size_t n);
// Batch form x[i] = quantile(u[i]); Normal and LogNormal use the vectorised inverse normal.
void dist_quantile(Dist d, const double* params, std::size_t nparams, const double* u, double* x,
                   std::size_t n);

double dist_mean(Dist d, const double* params, std::size_t nparams);      // exact, closed form
double dist_variance(Dist d, const double* params, std::size_t nparams);  // exact, closed form

// Empty if the parameters are valid, otherwise a short English message such as
// "normal: standard deviation must be >= 0 (got -0.01)".
std::string dist_check(Dist d, const double* params, std::size_t nparams);

// Names in the rules language: "normal", "lognormal", "uniform", "triangular", "pert", "discrete",
// "truncnormal".
std::string_view dist_name(Dist d);
std::optional<Dist> dist_from_name(std::string_view name);

// The CDF, and the law truncated to [lo, hi] (any law: quantile of a uniform on [F(lo⁻), F(hi)]).
// Its mean has no closed form for every law: it is integrated numerically (Gauss–Legendre).
double dist_cdf(Dist d, const double* params, std::size_t nparams, double x);
double truncated_quantile(Dist d, const double* params, std::size_t nparams, double lo, double hi, double u);
double truncated_mean(Dist d, const double* params, std::size_t nparams, double lo, double hi);
std::string truncated_check(Dist d, const double* params, std::size_t nparams, double lo, double hi);

// Regularized incomplete beta I_x(a, b) (a, b > 0) and its inverse in x; about 1e-13 accurate.
double beta_inc(double a, double b, double x);
double beta_inc_inv(double a, double b, double p);

}  // namespace cogsim::engine
