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

// normScore is -log10 P(Z >= z) for a standard normal Z (0 for z <= 0).
func normScore(z float64) float64 {
	if !(z > 0) {
		return 0
	}
	return -logNormUpper(z) / math.Ln10
}

// logNormUpper is ln P(Z >= z), z > 0, accurate far into the tail.
func logNormUpper(z float64) float64 {
	if z < 8 {
		return math.Log(0.5 * math.Erfc(z/math.Sqrt2))
	}
	z2 := z * z // asymptotic series of Mills' ratio
	return -z2/2 - math.Log(z) - 0.5*math.Log(2*math.Pi) + math.Log(1-1/z2+3/(z2*z2))
}

// zOfScore inverts normScore: the z whose upper tail is 10^-score. Newton's
// method on ln Q(z), from the asymptotic start sqrt(2 score ln 10).
func zOfScore(score float64) float64 {
	if !(score > math.Log10(2)) { // P >= 1/2: at or below the mean
		return 0
	}
	score = math.Min(score, 300)
	target := -score * math.Ln10
	z := math.Sqrt(2 * score * math.Ln10)
	if score < 0.5 {
		z = 0.5
	}
	for i := 0; i < 20; i++ {
		lq := logNormUpper(z)
		// d/dz ln Q(z) = -phi(z)/Q(z)
		dl := -math.Exp(-z*z/2 - 0.5*math.Log(2*math.Pi) - lq)
		step := (lq - target) / dl
		z -= step
		if z < 1e-6 {
			z = 1e-6
		}
		if math.Abs(step) < 1e-7 {
			break
		}
	}
	return z
}
