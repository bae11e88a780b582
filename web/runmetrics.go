package web

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RunMetrics counts what the daemon does as it happens: source runs, their
// items, errors and durations, and alert notifications by notifier and
// outcome. The daemon feeds it (Scheduler.OnRun, alerts.Loop.OnDeliver)
// and passes it in Options.Runs so /metrics exports it.
type RunMetrics struct {
	runs       *prometheus.CounterVec
	items      *prometheus.CounterVec
	runSeconds *prometheus.HistogramVec
	deliveries *prometheus.CounterVec
	lag        *prometheus.HistogramVec
	intervals  *prometheus.GaugeVec
	loop       *loopCollector
}

// NewRunMetrics returns counters at zero.
func NewRunMetrics() *RunMetrics {
	return &RunMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentionwatch_source_runs_total",
			Help: "Source runs since start, by source, type and result (ok or error).",
		}, []string{"source", "kind", "result"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentionwatch_source_items_collected_total",
			Help: "Items collected since start, per source (items of a failed run that were kept included).",
		}, []string{"source", "kind"}),
		runSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentionwatch_source_run_duration_seconds",
			Help:    "Duration of source runs, per source.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"source", "kind"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentionwatch_alert_notifications_total",
			Help: "Alert notifications attempted since start, by notifier, alert kind, alert state and result (sent or failed; a failed one stays pending and is retried).",
		}, []string{"notifier", "kind", "state", "result"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mentionwatch_collection_lag_seconds",
			Help: "Time from a mention's publication to its collection, for every mention stored since start, by source type.",
			// From a live feed polled every minute to a review site that
			// shows a review a day late.
			Buckets: []float64{10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400},
		}, []string{"kind"}),
		intervals: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentionwatch_source_interval_seconds",
			Help: "A configured source's polling interval (its backoff after errors is longer).",
		}, []string{"source", "kind"}),
		loop: &loopCollector{},
	}
}

// SetInterval records a configured source's interval; the daemon sets it
// once per source at start.
func (m *RunMetrics) SetInterval(source, kind string, interval time.Duration) {
	m.intervals.WithLabelValues(source, kind).Set(interval.Seconds())
}

// ObserveLag records one stored mention's delay from publication to
// collection. A mention without a publication or collection time is
// skipped; one dated after its collection (a clock ahead) counts as 0.
func (m *RunMetrics) ObserveLag(kind string, published, collected time.Time) {
	if published.IsZero() || collected.IsZero() {
		return
	}
	m.lag.WithLabelValues(kind).Observe(max(collected.Sub(published), 0).Seconds())
}

// AlertLoopStats is what the alert loop reports after its last tick
// (alerts.LoopStats, copied so that web does not import alerts).
type AlertLoopStats struct {
	LastTick  time.Time
	Pending   int
	OldestDue time.Time
}

// WatchAlertLoop makes /metrics report the alert loop's last tick and its
// outbox, read from f at each scrape (f must not block: the loop publishes
// its stats after each tick). ok false (before the first tick, or on a
// member that does not run the loop) exports nothing.
func (m *RunMetrics) WatchAlertLoop(f func() (s AlertLoopStats, ok bool)) {
	m.loop.mu.Lock()
	m.loop.f = f
	m.loop.mu.Unlock()
}

var (
	descLoopTick = prometheus.NewDesc("mentionwatch_alert_loop_last_tick_timestamp_seconds",
		"When the alert loop last ticked past warming (Unix time): it judges the store and flushes the outbox every tick.", nil, nil)
	descOutboxPending = prometheus.NewDesc("mentionwatch_alert_outbox_pending",
		"Notifications due and not delivered after the last tick (a failing notifier or store); they are retried every tick.", nil, nil)
	descOutboxOldest = prometheus.NewDesc("mentionwatch_alert_outbox_oldest_due_timestamp_seconds",
		"When the longest-waiting undelivered notification was first found due (Unix time; 0 when none waits).", nil, nil)
)

// loopCollector exports the alert loop's stats.
type loopCollector struct {
	mu sync.Mutex
	f  func() (AlertLoopStats, bool)
}

func (c *loopCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descLoopTick
	ch <- descOutboxPending
	ch <- descOutboxOldest
}

func (c *loopCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	f := c.f
	c.mu.Unlock()
	if f == nil {
		return
	}
	s, ok := f()
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(descLoopTick, prometheus.GaugeValue, unix(s.LastTick))
	ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(s.Pending))
	ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, unix(s.OldestDue))
}

// ObserveRun records one source run.
func (m *RunMetrics) ObserveRun(source, kind string, items int, err error, took time.Duration) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.runs.WithLabelValues(source, kind, result).Inc()
	m.items.WithLabelValues(source, kind).Add(float64(items))
	m.runSeconds.WithLabelValues(source, kind).Observe(took.Seconds())
}

// ObserveDelivery records one notification attempt (after its retries).
func (m *RunMetrics) ObserveDelivery(notifier, kind, state string, err error) {
	result := "sent"
	if err != nil {
		result = "failed"
	}
	m.deliveries.WithLabelValues(notifier, kind, state, result).Inc()
}

func (m *RunMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.runs, m.items, m.runSeconds, m.deliveries, m.lag, m.intervals, m.loop}
}
