package query

import (
	"fmt"
	"slices"
	"strings"
)

// Unknown is the error for a value of param that is not one of valid: it
// suggests the value got differs from only by case, or the closest within
// three edits, and lists the valid ones.
func Unknown(param, got string, valid []string) error {
	for _, v := range valid {
		if strings.EqualFold(v, got) {
			return fmt.Errorf("%s %q is not known; names are case-sensitive: did you mean %q? valid: %s", param, got, v, strings.Join(valid, ", "))
		}
	}
	best, bestD := "", 4
	for _, v := range valid {
		if d := EditDistance(strings.ToLower(got), strings.ToLower(v)); d < bestD {
			best, bestD = v, d
		}
	}
	if best != "" {
		return fmt.Errorf("%s %q is not known: did you mean %q? valid: %s", param, got, best, strings.Join(valid, ", "))
	}
	return fmt.Errorf("%s %q is not known; valid: %s", param, got, strings.Join(valid, ", "))
}

// CheckOne returns nil when got is one of valid, or empty (not given), or
// valid is empty (nothing to check against); else Unknown.
func CheckOne(param, got string, valid []string) error {
	if got == "" || len(valid) == 0 || slices.Contains(valid, got) {
		return nil
	}
	return Unknown(param, got, valid)
}
