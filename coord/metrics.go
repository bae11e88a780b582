package coord

import "github.com/prometheus/client_golang/prometheus"

var (
	descLeader    = prometheus.NewDesc("mentionwatch_coordination_is_leader", "1 while this member leads (runs the alert loop).", nil, nil)
	descMembers   = prometheus.NewDesc("mentionwatch_coordination_members", "Live members this member sees in ZooKeeper.", nil, nil)
	descOwned     = prometheus.NewDesc("mentionwatch_coordination_sources_owned", "Sources whose lock this member holds (it runs them).", nil, nil)
	descConnected = prometheus.NewDesc("mentionwatch_coordination_zk_connected", "1 while this member has a live ZooKeeper session and connection.", nil, nil)
)

// Collector exports the coordinator's state on /metrics.
func (c *Coordinator) Collector() prometheus.Collector { return collector{c} }

type collector struct{ c *Coordinator }

func (collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descLeader
	ch <- descMembers
	ch <- descOwned
	ch <- descConnected
}

func (m collector) Collect(ch chan<- prometheus.Metric) {
	s := m.c.Status()
	ch <- prometheus.MustNewConstMetric(descLeader, prometheus.GaugeValue, b2f(s.Leader))
	ch <- prometheus.MustNewConstMetric(descMembers, prometheus.GaugeValue, float64(len(s.Members)))
	ch <- prometheus.MustNewConstMetric(descOwned, prometheus.GaugeValue, float64(s.SourcesOwned))
	ch <- prometheus.MustNewConstMetric(descConnected, prometheus.GaugeValue, b2f(s.Connected))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
