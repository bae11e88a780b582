package main

import (
	"context"
	"time"

	"github.com/mentionwatch/mentionwatch/web"
)

// startWeb builds the dashboard, API and /metrics and opens web.listen,
// so that `run` fails at start on a port in use or a certificate that
// does not load, instead of running on without its dashboard, metrics and
// health checks. The function it returns serves until ctx ends.
func (a *app) startWeb() (func(context.Context) error, error) {
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

		ConfigSilences: a.cfg.Alerts.Silences,
	}
	if a.coord != nil {
		opt.ReadyDetail = a.coordDetail
		opt.Collectors = append(opt.Collectors, a.coord.Collector())
	}
	if err := web.CheckAuth(a.cfg.Web); err != nil {
		return nil, err
	}
	h, err := web.New(opt)
	if err != nil {
		return nil, err
	}
	ln, err := web.Listen(a.cfg.Web)
	if err != nil {
		return nil, err
	}
	log := a.log.With("component", "web")
	return func(ctx context.Context) error { return web.ServeListener(ctx, ln, h, log) }, nil
}
