package reviews

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// defaultNumber finds the first number in a rating string.
var defaultNumber = regexp.MustCompile(`([0-9]+(?:[.,][0-9]+)?)`)

// parseRating reads a rating from s with re (first group, else the whole
// match) and scales it from 1..max to 1..5. It returns 0 when there is no
// usable number.
func parseRating(s string, re *regexp.Regexp, max float64) float32 {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	v := m[0]
	if len(m) > 1 && m[1] != "" {
		v = m[1]
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
	if err != nil {
		return 0
	}
	return scaleRating(n, max)
}

// scaleRating maps n on a 0..max scale to 1..5 (0 = none).
func scaleRating(n, max float64) float32 {
	if max <= 0 {
		max = 5
	}
	if math.IsNaN(n) || n <= 0 || n > max {
		return 0
	}
	r := n / max * 5
	if r < 1 {
		r = 1
	}
	return float32(math.Round(r*100) / 100)
}

// scaleRatingFrom is scaleRating for a rating whose page gives its
// worstRating: on a scale from 0 (a 0-10 score), a 0 is the worst score,
// 1 star, where scaleRating reads 0 as "no rating". Other values scale as
// scaleRating does (x out of best), so a page's ratings read the same
// whether or not it states worstRating 1, schema.org's default.
func scaleRatingFrom(n, worst, best float64) float32 {
	if n == 0 && worst <= 0 {
		if best <= 0 || math.IsNaN(worst) {
			return 0
		}
		return 1
	}
	return scaleRating(n, best)
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	// ISO 8601 allows leaving out the seconds (recipe plugins do:
	// 2011-04-25T15:49Z).
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	time.RFC1123Z,
	time.RFC1123,
}

// numericDate is a date written with numbers only, day and month in an
// order the page's locale decides: 11/01/2026, 25.12.2026, 1-11-2026.
var numericDate = regexp.MustCompile(`^([0-9]{1,2})([/.-])([0-9]{1,2})([/.-])([0-9]{4})$`)

// parseDate reads the dates review pages use; zero if none fits. A
// numeric date (11/01/2026) is day-first unless monthFirst; a day over 12
// decides by itself (12/25/2026 is month-first whatever the page says).
func parseDate(s string, monthFirst bool) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if m := numericDate.FindStringSubmatch(s); m != nil && m[2] == m[4] {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		y, _ := strconv.Atoi(m[5])
		day, month := a, b
		if b > 12 || monthFirst && a <= 12 {
			day, month = b, a
		}
		t := time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if month < 1 || month > 12 || day < 1 || t.Day() != day {
			return time.Time{} // 31/02/2026 is no date
		}
		return t
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// contentID is the id of a review without one: a hash of where it is and
// what it says.
func contentID(host, author, date, text string) string {
	h := sha256.New()
	for _, s := range []string{host, author, date, text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return host + ":" + hex.EncodeToString(h.Sum(nil)[:12])
}
