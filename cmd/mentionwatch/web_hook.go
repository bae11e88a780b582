package main

import (
	"context"
	"time"

	"github.com/mentionwatch/mentionwatch/web"
)

// serveWeb serves the dashboard, API and /metrics on web.listen until ctx
// ends. run starts it in its own goroutine when web.listen is set.
func (a *app) serveWeb(ctx context.Context) error {
	opt := web.Options{
		Store:   a.store,
		Brands:  a.cfg.Brands,
		Sources: a.cfg.Sources,
		Auth:    a.cfg.Web,
		Runs:    a.runs,
		Counters: func() web.Counters {
			return web.Counters{Collected: a.collected.Load(), Stored: a.stored.Load(), Writer: a.writer.Stats()}
		},
		Ready:    a.ready,
		Log:      a.log.With("component", "web"),
		Location: a.cfg.Location(),
		Bucket:   a.cfg.Alerts.Bucket.Or(5 * time.Minute),
		Links:    a.links,
	}
	if a.coord != nil {
		opt.ReadyDetail = a.coordDetail
		opt.Collectors = append(opt.Collectors, a.coord.Collector())
	}
	h, err := web.New(opt)
	if err != nil {
		return err
	}
	return web.Serve(ctx, a.cfg.Web, h, a.log.With("component", "web"))
}
