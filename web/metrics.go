package web

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	mw "github.com/mentionwatch/mentionwatch"
	"github.com/mentionwatch/mentionwatch/store"
)

// metrics lives on a private registry: embedding programs and tests may
// build several handlers in one process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	state    *stateCollector
}

func newMetrics(h *Handler) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentionwatch_http_request_duration_seconds",
			Help:    "Dashboard and API request durations by route and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
		state: &stateCollector{h: h},
	}
	m.reg.MustRegister(m.requests, m.state,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if h.opt.Runs != nil {
		m.reg.MustRegister(h.opt.Runs.collectors()...)
	}
	m.reg.MustRegister(h.opt.Collectors...)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// statusWriter records the response code.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (m *metrics) instrument(route string, f http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		f(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

var (
	descCollected = prometheus.NewDesc("mentionwatch_collected_total", "Raw items collected from every source since start.", nil, nil)
	descStored    = prometheus.NewDesc("mentionwatch_stored_total", "Scored mentions handed to the writer since start.", nil, nil)
	descDropped   = prometheus.NewDesc("mentionwatch_dropped_total",
		"Collected items that became no mention (no brand matched, excluded) since start: collected minus stored, at least 0.", nil, nil)
	descWriterStored   = prometheus.NewDesc("mentionwatch_writer_stored_total", "Mentions the writer inserted into the store (directly or replayed).", nil, nil)
	descWriterSpooled  = prometheus.NewDesc("mentionwatch_writer_spooled_total", "Mentions the writer put in its spool while the store failed.", nil, nil)
	descWriterReplayed = prometheus.NewDesc("mentionwatch_writer_replayed_total", "Mentions replayed from the spool into the store.", nil, nil)
	descWriterErrors   = prometheus.NewDesc("mentionwatch_writer_insert_errors_total", "Failed store insert attempts.", nil, nil)
	descSpoolBatches   = prometheus.NewDesc("mentionwatch_writer_spool_batches", "Batches waiting in the writer's spool.", nil, nil)
	descSpoolBytes     = prometheus.NewDesc("mentionwatch_writer_spool_bytes", "Bytes waiting in the writer's spool.", nil, nil)
	descBuffered       = prometheus.NewDesc("mentionwatch_writer_buffered", "Mentions waiting in the writer's memory buffer.", nil, nil)

	descStoreUp        = prometheus.NewDesc("mentionwatch_store_up", "1 when the store answered the last snapshot's queries (refreshed in the background, at most every 10 s).", nil, nil)
	descScrapeDuration = prometheus.NewDesc("mentionwatch_store_scrape_duration_seconds", "Time the store took to answer the last snapshot's queries.", nil, nil)
	descSnapshotAge    = prometheus.NewDesc("mentionwatch_store_snapshot_age_seconds", "Age of the store snapshot the source and alert gauges come from.", nil, nil)
	descSourceItems    = prometheus.NewDesc("mentionwatch_source_items_total", "Items a source has collected over its life (from the store).", []string{"source", "kind"}, nil)
	descSourceLastRun  = prometheus.NewDesc("mentionwatch_source_items_last_run", "Items a source collected in its last run.", []string{"source", "kind"}, nil)
	descSourceErrors   = prometheus.NewDesc("mentionwatch_source_consecutive_errors", "Runs in a row that failed, per source; 0 when the last run succeeded.", []string{"source", "kind"}, nil)
	descSourceSuccess  = prometheus.NewDesc("mentionwatch_source_last_success_timestamp_seconds", "When a source last ran without error (Unix time; 0 never).", []string{"source", "kind"}, nil)
	descSourceErrorAt  = prometheus.NewDesc("mentionwatch_source_last_error_timestamp_seconds", "When a source last failed (Unix time; 0 never).", []string{"source", "kind"}, nil)
	descAlerts         = prometheus.NewDesc("mentionwatch_alerts", "Alerts started in the last 30 days (or still firing), by brand, kind and state.", []string{"brand", "kind", "state"}, nil)
	descAlertSends     = prometheus.NewDesc("mentionwatch_alert_sends",
		"Notifications delivered for alerts started in the last 30 days (or still firing), repeats included, by brand and kind.", []string{"brand", "kind"}, nil)
	descAlertsUnacked = prometheus.NewDesc("mentionwatch_alerts_firing_unacknowledged", "Firing alerts nobody acknowledged yet.", nil, nil)
)

// stateCollector reads the daemon's counters and the store's source and
// alert state at scrape time.
type stateCollector struct{ h *Handler }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCollected, descStored, descDropped, descWriterStored, descWriterSpooled, descWriterReplayed,
		descWriterErrors, descSpoolBatches, descSpoolBytes, descBuffered, descStoreUp, descScrapeDuration, descSourceItems, descSourceLastRun,
		descSourceErrors, descSourceSuccess, descSourceErrorAt, descAlerts, descAlertSends, descAlertsUnacked, descSnapshotAge} {
		ch <- d
	}
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	opt := c.h.opt
	if opt.Counters != nil {
		k := opt.Counters()
		counter(descCollected, float64(k.Collected))
		counter(descStored, float64(k.Stored))
		counter(descDropped, float64(max(k.Collected-k.Stored, 0)))
		counter(descWriterStored, float64(k.Writer.Stored))
		counter(descWriterSpooled, float64(k.Writer.Spooled))
		counter(descWriterReplayed, float64(k.Writer.Replayed))
		counter(descWriterErrors, float64(k.Writer.InsertErrors))
		gauge(descSpoolBatches, float64(k.Writer.SpoolBatches))
		gauge(descSpoolBytes, float64(k.Writer.SpoolBytes))
		gauge(descBuffered, float64(k.Writer.Buffered))
	} else if opt.Spool != nil {
		if n, b, ok := opt.Spool(); ok {
			gauge(descSpoolBatches, float64(n))
			gauge(descSpoolBytes, float64(b))
		}
	}

	snap := c.h.snapshots.get(opt)
	if snap == nil {
		// The first refresh has not answered yet (a hung store).
		gauge(descStoreUp, 0)
		return
	}
	gauge(descScrapeDuration, snap.took.Seconds())
	gauge(descSnapshotAge, time.Since(snap.at).Seconds())
	if snap.err != nil {
		gauge(descStoreUp, 0)
		return
	}
	gauge(descStoreUp, 1)
	sts, as := snap.sts, snap.alerts
	for _, s := range sts {
		counter(descSourceItems, float64(s.TotalItems), s.Source, s.Type)
		gauge(descSourceLastRun, float64(s.ItemsLastRun), s.Source, s.Type)
		gauge(descSourceErrors, float64(s.ConsecutiveErrors), s.Source, s.Type)
		gauge(descSourceSuccess, unix(s.LastSuccess), s.Source, s.Type)
		gauge(descSourceErrorAt, unix(s.LastErrorAt), s.Source, s.Type)
	}
	type key struct{ brand, kind, state string }
	states := map[key]float64{}
	sends := map[[2]string]float64{}
	unacked := 0.0
	for _, a := range as {
		states[key{a.Brand, a.Kind, string(a.State)}]++
		sends[[2]string{a.Brand, a.Kind}] += float64(a.NotifyCount)
		if a.State == mw.Firing && a.AckedAt.IsZero() {
			unacked++
		}
	}
	for k, v := range states {
		gauge(descAlerts, v, k.brand, k.kind, k.state)
	}
	for k, v := range sends {
		gauge(descAlertSends, v, k[0], k[1])
	}
	gauge(descAlertsUnacked, unacked)
}

// Snapshot timing: /metrics serves the store's source and alert state from
// a snapshot refreshed in the background, so a hung store never holds a
// scrape up (it took 10 s while ClickHouse hung).
const (
	snapshotMaxAge    = 10 * time.Second // a scrape after this starts a refresh
	snapshotTimeout   = 10 * time.Second // one refresh's queries
	snapshotFirstWait = 2 * time.Second  // the first scrape waits this long for the first snapshot
)

// storeSnapshot is what the store answered at one refresh.
type storeSnapshot struct {
	sts    []store.SourceState
	alerts []mw.Alert
	err    error
	took   time.Duration
	at     time.Time
}

// snapshotCache holds the latest snapshot; at most one refresh runs at a
// time, in its own goroutine, which ends within snapshotTimeout.
type snapshotCache struct {
	mu         sync.Mutex
	snap       *storeSnapshot
	refreshing chan struct{} // closed when the running refresh ends; nil when none runs
}

// get returns the latest snapshot (nil before the first one answered),
// starting a refresh when it is older than snapshotMaxAge.
func (c *snapshotCache) get(opt Options) *storeSnapshot {
	snap, wait := c.kick(opt)
	if snap != nil || wait == nil {
		return snap
	}
	t := time.NewTimer(snapshotFirstWait)
	defer t.Stop()
	select {
	case <-wait:
	case <-t.C:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}

// kick starts a refresh when the snapshot is missing or old and none
// runs; it returns the snapshot and the running refresh's done channel.
// New kicks once, so the first scrape usually finds a snapshot.
func (c *snapshotCache) kick(opt Options) (*storeSnapshot, chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if (c.snap == nil || time.Since(c.snap.at) > snapshotMaxAge) && c.refreshing == nil {
		c.refreshing = make(chan struct{})
		go c.refresh(opt, c.refreshing)
	}
	return c.snap, c.refreshing
}

func (c *snapshotCache) refresh(opt Options, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
	defer cancel()
	start := time.Now()
	snap := &storeSnapshot{}
	snap.sts, snap.err = opt.Store.SourceStates(ctx)
	if snap.err == nil {
		snap.alerts, snap.err = opt.Store.Alerts(ctx, store.AlertQuery{Since: opt.Now().Add(-30 * 24 * time.Hour), Limit: 10000})
	}
	snap.took, snap.at = time.Since(start), time.Now()
	if snap.err != nil {
		opt.Log.Warn("metrics: store unreachable", "err", snap.err)
	}
	c.mu.Lock()
	c.snap, c.refreshing = snap, nil
	c.mu.Unlock()
	close(done)
}
