package web

import (
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
	}
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
	return []prometheus.Collector{m.runs, m.items, m.runSeconds, m.deliveries}
}
