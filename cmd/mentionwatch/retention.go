package main

import (
	"context"
	"time"
)

// retentionEvery is how often run deletes expired mentions from a store
// that has no TTL of its own (the embedded store).
const retentionEvery = time.Hour

// mentionPurger is a store that deletes old mentions when asked (the
// embedded store); ClickHouse drops them itself, by TTL.
type mentionPurger interface {
	DeleteMentionsBefore(ctx context.Context, cutoff time.Time) (int64, error)
}

// runRetention applies store.retention_days to a store without TTL: at
// start and every hour it deletes the mentions published more than that
// many days ago. A failed purge is logged and tried again at the next.
func (a *app) runRetention(ctx context.Context) error {
	days := a.cfg.Store.RetentionDays
	p, ok := a.store.(mentionPurger)
	if days <= 0 || !ok {
		return nil
	}
	log := a.log.With("component", "retention", "retention_days", days)
	t := time.NewTicker(retentionEvery)
	defer t.Stop()
	for {
		cutoff := time.Now().Add(-time.Duration(days) * 24 * time.Hour)
		n, err := p.DeleteMentionsBefore(ctx, cutoff)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("deleting expired mentions failed; retrying in an hour", "deleted", n, "err", err)
		case n > 0:
			log.Info("deleted expired mentions", "deleted", n, "published_before", cutoff.In(a.cfg.Location()).Format(time.RFC3339))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
