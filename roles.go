package mentionwatch

import (
	"fmt"
	"strings"
)

// Role is what a dashboard user may do. Roles are ordered: each includes
// everything the ones below it may do.
//
//   - viewer reads the dashboard and the API;
//   - agent also acknowledges and resolves alerts and triages mentions;
//   - admin also silences alerts and manages users and configuration.
type Role string

// Roles, from least to most trusted.
const (
	RoleViewer Role = "viewer"
	RoleAgent  Role = "agent"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles from least to most trusted.
var Roles = []Role{RoleViewer, RoleAgent, RoleAdmin}

// rank orders roles; an unknown role ranks below viewer and so may do nothing.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleAgent:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Allows reports whether a user with role r may do what needs role min.
func (r Role) Allows(min Role) bool { return r.rank() > 0 && r.rank() >= min.rank() }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// ParseRole reads a role name (any case, surrounding spaces ignored).
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q (use viewer, agent or admin)", s)
	}
	return r, nil
}
