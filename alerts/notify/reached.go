package notify

import "sync"

// Reached records, per delivery (an alert's delivery key, a digest's
// content), the recipients a channel has reached, so that a retry after
// one recipient failed does not message the others again. Its zero value
// is ready to use and safe for concurrent use. A channel forgets a
// delivery once every recipient has it.
type Reached struct {
	mu   sync.Mutex
	sent map[string]map[string]bool
}

// Missing returns those of all that key has not reached, in order.
func (r *Reached) Missing(key string, all []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, to := range all {
		if !r.sent[key][to] {
			out = append(out, to)
		}
	}
	return out
}

// Mark records that key reached to.
func (r *Reached) Mark(key, to string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sent == nil {
		r.sent = map[string]map[string]bool{}
	}
	if r.sent[key] == nil {
		r.sent[key] = map[string]bool{}
	}
	r.sent[key][to] = true
}

// Forget drops key: its delivery is complete.
func (r *Reached) Forget(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sent, key)
}
