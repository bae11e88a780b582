package detect

import "math"

// tailScore is -log10 P(X >= x) for a count X with mean mu and variance
// phi*mu (phi >= 1: overdispersion). The quasi-Poisson scaling divides both
// x and mu by phi and takes the Poisson upper tail of the scaled values, so
// a series that is noisier than Poisson needs a proportionally larger excess
// to score the same. Values at or below the mean score 0.
func tailScore(x, mu, phi float64) float64 {
	if phi < 1 {
		phi = 1
	}
	if mu < minMean {
		mu = minMean
	}
	if x <= mu {
		return 0
	}
	lp := logPoissonUpper(x/phi, mu/phi)
	s := -lp / math.Ln10
	if s < 0 {
		return 0
	}
	return s
}

// minMean keeps an all-zero baseline from making a single count infinitely
// surprising.
const minMean = 0.05

// logPoissonUpper returns ln P(X >= k) for X ~ Poisson(mu), with k > mu and
// k real (the regularized lower incomplete gamma P(k, mu)). It sums the
// series of Numerical Recipes' gser in log space, which converges quickly
// because mu < k.
func logPoissonUpper(k, mu float64) float64 {
	lg, _ := math.Lgamma(k + 1)
	lead := -mu + k*math.Log(mu) - lg // ln(e^-mu mu^k / Γ(k+1))
	sum, term := 1.0, 1.0
	for n := 1; n < 5000; n++ {
		term *= mu / (k + float64(n))
		sum += term
		if term < sum*1e-12 {
			break
		}
	}
	return lead + math.Log(sum)
}
