// Package coord coordinates several `mentionwatch run` processes through
// ZooKeeper (or ClickHouse Keeper, which speaks the same protocol): the
// service a ClickHouse cluster already needs.
//
// Under Config.Root it keeps:
//
//	members/<id>          one ephemeral node per live process ({"id","host"})
//	election/…-n_<seq>    ephemeral-sequential nodes; the lowest is the leader
//	locks/<source>        an ephemeral node per source, held by the member running it
//	collected             a persistent node whose data a member sets after storing mentions
//
// Membership: each process registers an ephemeral node; the member list,
// watched, feeds rendezvous hashing (Owner), which spreads the sources over
// the live members so that a departure or an arrival moves only that
// member's share.
//
// Leadership: the standard recipe. Each process creates an
// ephemeral-sequential node and watches only its predecessor; the lowest
// node leads. Only the leader runs the alert loop (Lead). Leadership is
// kept across a disconnect shorter than what the server can tolerate, and
// given up when the session expires (see stepDownAfter).
//
// Locks: before running a source a member takes its lock (Begin); it keeps
// the lock while it owns the source and releases it after the run in
// progress when a rebalance gives the source to another member (End or the
// member watch), so two members never run one source at once.
//
// Collections: a member that stores mentions sets the data of collected
// (Collected); every member watches it, and the leader's alert loop wakes
// on Collections, so a burst collected by any member is judged at once,
// as the lone daemon's sink wakes its own loop.
//
// Losing ZooKeeper: the leader stops alerting once its session may have
// expired; every member keeps running the sources it holds locks for (the
// store deduplicates by id) and reports the state in Status and metrics.
// When the session is known to have expired, Holds turns false for every
// source and Changed fires, so the scheduler stops a run in progress.
//
// Goroutines: Run owns the session (registration, member watch, election).
// The ZooKeeper client's event callback updates the connection state.
// Begin, End, Changed, IsLeader and Status may be called from any goroutine;
// mu guards the shared state.
package coord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/go-zookeeper/zk"
)

// Config configures a Coordinator.
type Config struct {
	Servers        []string      // ZooKeeper host:port list (required)
	Root           string        // default /mentionwatch
	SessionTimeout time.Duration // default 10s
	ID             string        // this member's id, unique among live members (default: host name and pid)
	Host           string        // shown in the member node (default: host name)
	// Sources are the names of the sources this member runs: a source is
	// given only to the members that have it, so one that some members'
	// configs lack (a rolling config change, a member's own config) still
	// runs. nil: every source (as a member of an older version is taken).
	Sources []string
	// Settings is a fingerprint of the settings every member should share
	// (brands, alerts, digests, time zone): members whose fingerprints
	// differ are logged as a warning, since the leader's settings decide
	// what is alerted, and a failover would change them. "": not compared.
	Settings string
	Log      *slog.Logger
}

// Coordinator is one member's view of the cluster. Build it with New, then
// call Run.
type Coordinator struct {
	cfg  Config
	log  *slog.Logger
	zlog *zkLogger
	conn *zk.Conn

	mu             sync.Mutex
	connected      bool      // the client has a live connection with a session
	closing        bool      // Close was called
	session        int64     // current session id; 0 before the first or after expiry
	disconnectedAt time.Time // when the connection was lost (zero while connected)
	stepDown       bool      // disconnected long enough that the session may have expired
	grace          *time.Timer
	sessionDone    context.CancelFunc  // ends the current session's work (at expiry)
	elected        bool                // our election node is the lowest in the current session
	members        []string            // live member ids, sorted
	runs           map[string][]string // member id -> sourceKeys of the sources it runs, sorted; absent: every source
	settings       map[string]string   // member id -> its Config.Settings, when it has one
	held           map[string]bool     // source locks this session holds
	running        map[string]bool     // sources whose run is in progress (between Begin and End)
	releasing      map[string]bool     // locks being deleted
	changed        chan struct{}       // closed and replaced on every change
	newSession     chan struct{}       // signalled when a session starts
	leaderSince    time.Time
	collected      chan struct{} // Collected: this member stored mentions, not yet told
	collections    chan struct{} // another member stored mentions (Collections)
	warnedNoWake   atomic.Bool   // the collected node could not be made or set; warned once
	lateMu         sync.Mutex
	late           time.Time // Collected: the oldest late collected time not yet written
	epoch          int64     // bumped when our election node may have stopped being the lowest: a new session or a node joined again
}

// DefaultRoot is the ZooKeeper path used when Config.Root is empty.
const DefaultRoot = "/mentionwatch"

// New connects to ZooKeeper in the background; it fails only on a bad
// configuration. Close it when done.
func New(cfg Config) (*Coordinator, error) {
	if len(cfg.Servers) == 0 {
		return nil, errors.New("coordination: no zookeeper servers (set coordination.zookeeper: [host:port, ...])")
	}
	if cfg.Root == "" {
		cfg.Root = DefaultRoot
	}
	if err := CheckRoot(cfg.Root); err != nil {
		return nil, fmt.Errorf("coordination.root %q: %w", cfg.Root, err)
	}
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = 10 * time.Second
	}
	host, _ := os.Hostname()
	if cfg.Host == "" {
		cfg.Host = host
	}
	if cfg.ID == "" {
		cfg.ID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if err := CheckName(cfg.ID); err != nil {
		return nil, fmt.Errorf("coordination.id %q: %w (use a name such as m1)", cfg.ID, err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	c := &Coordinator{
		cfg: cfg, log: cfg.Log.With("component", "coordination", "member", cfg.ID),
		held: map[string]bool{}, running: map[string]bool{}, releasing: map[string]bool{},
		changed: make(chan struct{}), newSession: make(chan struct{}, 1),
		collected: make(chan struct{}, 1), collections: make(chan struct{}, 1),
	}
	c.zlog = &zkLogger{log: c.log, asked: cfg.SessionTimeout}
	// Held until c.conn is set: the event callback may fire before
	// Connect returns.
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, _, err := zk.Connect(cfg.Servers, cfg.SessionTimeout,
		zk.WithLogger(c.zlog), zk.WithEventCallback(c.onEvent),
		zk.WithHostProvider(&hostList{}))
	if err != nil {
		return nil, fmt.Errorf("coordination: connecting to zookeeper %v: %w", cfg.Servers, err)
	}
	c.conn = conn
	return c, nil
}

// CheckName reports why ZooKeeper would refuse name as a node name (a
// member id), or nil.
func CheckName(name string) error {
	if name == "" || name == "." || name == ".." {
		return errors.New("not empty, and neither . nor .. as a whole")
	}
	if !utf8.ValidString(name) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range name {
		switch {
		case r == '/':
			return errors.New("no '/'")
		case r < 0x20, r >= 0x7f && r <= 0x9f, r >= 0xd800 && r <= 0xf8ff, r >= 0xfff0:
			return fmt.Errorf("ZooKeeper refuses %U in a node name (no control, private-use or supplementary characters such as emoji)", r)
		}
	}
	return nil
}

// CheckRoot reports why root is not a ZooKeeper path the coordinator can
// use, or nil.
func CheckRoot(root string) error {
	if !strings.HasPrefix(root, "/") || (len(root) > 1 && strings.HasSuffix(root, "/")) {
		return errors.New("want an absolute ZooKeeper path such as /mentionwatch")
	}
	if root == "/" {
		return nil
	}
	for _, p := range strings.Split(root[1:], "/") {
		if err := CheckName(p); err != nil {
			return fmt.Errorf("element %q: %w", p, err)
		}
	}
	return nil
}

// ID is this member's id.
func (c *Coordinator) ID() string { return c.cfg.ID }

// Close ends the session: the member, election and lock nodes vanish at
// once, so the others take over without waiting for a session timeout.
// Call it after the alert loop and the sources stopped.
func (c *Coordinator) Close() {
	c.mu.Lock()
	c.closing = true // the disconnection that follows is no loss
	c.mu.Unlock()
	c.conn.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endSessionLocked()
	c.connected = false
	c.notifyLocked()
}

// stepDownAfter is how long a disconnected leader keeps leading. The
// client notices a silent server after 2/3 of the session timeout and the
// server expires the session one timeout after it last heard from the
// client, so the session may be gone as soon as a third of the timeout
// after the disconnect is noticed: the leader steps down then, before
// another member can be elected. A shorter disconnect keeps leadership.
func (c *Coordinator) stepDownAfter() time.Duration { return c.sessionTimeout() / 3 }

// sessionTimeout is the timeout the server granted (it may cap the one
// asked for: maxSessionTimeout, 40 s by default), or the configured one
// before the first session.
func (c *Coordinator) sessionTimeout() time.Duration {
	if ms := c.zlog.timeout.Load(); ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return c.cfg.SessionTimeout
}

// onEvent is the client's callback for session events; it must not block.
func (c *Coordinator) onEvent(ev zk.Event) {
	if ev.Type != zk.EventSession {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.State {
	case zk.StateHasSession:
		sid := c.conn.SessionID()
		c.connected, c.disconnectedAt, c.stepDown = true, time.Time{}, false
		if c.grace != nil {
			c.grace.Stop()
		}
		if sid != c.session {
			c.endSessionLocked()
			c.session = sid
			c.epoch++
			select {
			case c.newSession <- struct{}{}:
			default:
			}
			c.log.Info("zookeeper session started", "server", ev.Server, "session", fmt.Sprintf("%#x", sid))
		} else {
			c.log.Info("zookeeper reconnected; session kept", "server", ev.Server)
		}
		c.notifyLocked()
	case zk.StateDisconnected:
		if !c.connected || c.closing {
			return
		}
		c.connected, c.disconnectedAt = false, time.Now()
		c.log.Warn("zookeeper connection lost; collection goes on, alerting stops if it is not back soon",
			"leader", c.elected, "step_down_after", c.stepDownAfter())
		c.grace = time.AfterFunc(c.stepDownAfter(), func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if !c.connected && !c.stepDown {
				c.stepDown = true
				if c.elected {
					c.log.Warn("zookeeper still unreachable: the session may have expired, so this member stops alerting; collection goes on",
						"disconnected_for", time.Since(c.disconnectedAt).Round(time.Millisecond))
				}
				c.notifyLocked()
			}
		})
		c.notifyLocked()
	case zk.StateExpired:
		c.log.Warn("zookeeper session expired: leadership and source locks are gone; re-registering")
		c.endSessionLocked()
		c.notifyLocked()
	}
}

// endSessionLocked forgets what the old session held.
func (c *Coordinator) endSessionLocked() {
	if c.sessionDone != nil {
		c.sessionDone()
		c.sessionDone = nil
	}
	c.session, c.elected = 0, false
	c.held = map[string]bool{}
}

// notifyLocked wakes everyone waiting on Changed.
func (c *Coordinator) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Changed returns a channel closed at the next change of leadership,
// membership or connection.
func (c *Coordinator) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// IsLeader reports whether this member leads now: its election node is the
// lowest and its session is not in doubt.
func (c *Coordinator) IsLeader() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.isLeaderLocked()
}

func (c *Coordinator) isLeaderLocked() bool { return c.elected && !c.stepDown && c.session != 0 }

// Status is a snapshot for metrics and /readyz.
type Status struct {
	Connected      bool
	Leader         bool
	Members        []string
	SourcesOwned   int           // source locks held
	DisconnectedAt time.Time     // zero while connected
	Disconnected   time.Duration // how long, at the time of the snapshot
}

// Status returns the current state.
func (c *Coordinator) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Status{Connected: c.connected && c.session != 0, Leader: c.isLeaderLocked(),
		Members: append([]string(nil), c.members...), SourcesOwned: len(c.held), DisconnectedAt: c.disconnectedAt}
	if !c.disconnectedAt.IsZero() {
		s.Disconnected = time.Since(c.disconnectedAt)
	}
	return s
}

// Detail is one line for /readyz: the member's role and ZooKeeper state.
func (s Status) Detail() string {
	role := "follower"
	if s.Leader {
		role = "leader (runs the alert loop)"
	}
	if !s.Connected {
		if s.DisconnectedAt.IsZero() {
			return "coordination: no zookeeper session yet; not alerting, collecting only sources already held"
		}
		return fmt.Sprintf("coordination: zookeeper unreachable for %s; %s; collecting the %d sources held",
			s.Disconnected.Round(time.Second), role, s.SourcesOwned)
	}
	return fmt.Sprintf("coordination: %s, %d members, %d sources held", role, len(s.Members), s.SourcesOwned)
}

// Run keeps this member registered and in the election, session after
// session, until ctx ends.
func (c *Coordinator) Run(ctx context.Context) error {
	report := c.cfg.SessionTimeout // until a session, say so now and then
	for {
		t := time.NewTimer(report)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
			c.log.Warn("no zookeeper session yet: this member collects nothing and does not alert until ZooKeeper answers; "+
				"check coordination.zookeeper and that the servers run", "servers", c.cfg.Servers, "last_client_message", c.zlog.last())
			report = time.Minute
			continue
		case <-c.newSession:
			t.Stop()
			report = c.cfg.SessionTimeout
		}
		c.mu.Lock()
		sid := c.session
		sctx, cancel := context.WithCancel(ctx)
		c.sessionDone = cancel
		c.mu.Unlock()
		if sid == 0 {
			cancel()
			continue
		}
		c.serve(sctx, sid)
		cancel()
	}
}

// serve registers the member, then watches the members and runs the
// election until the session ends.
func (c *Coordinator) serve(ctx context.Context, sid int64) {
	var nodes []string // the root's parents, the root, then its children
	for i := 1; i < len(c.cfg.Root); i++ {
		if c.cfg.Root[i] == '/' {
			nodes = append(nodes, c.cfg.Root[:i])
		}
	}
	nodes = append(nodes, c.cfg.Root, c.path("members"), c.path("election"), c.path("locks"))
	for _, p := range nodes {
		if !c.retry(ctx, "creating "+p, func() error { return c.ensure(p) }) {
			return
		}
	}
	if !c.retry(ctx, "registering the member", func() error { return c.register(sid) }) {
		return
	}
	var node string
	if !c.retry(ctx, "joining the election", func() error {
		var err error
		node, err = c.conn.CreateProtectedEphemeralSequential(c.path("election", "n_"), []byte(c.cfg.ID), zk.WorldACL(zk.PermAll))
		return explain(err, c.path("election", "n_"))
	}) {
		return
	}
	var wg sync.WaitGroup
	for _, f := range []func(context.Context, int64){c.watchMembers, c.tellCollected, c.watchCollected} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(ctx, sid)
		}()
	}
	c.elect(ctx, sid, path.Base(node))
	wg.Wait()
}

// collectedNode is the node whose data members set after storing mentions.
const collectedNode = "collected"

// collectedData is the collected node's data: the member that wrote it
// last, and the oldest collected time of the late mentions (see Collected)
// that members stored and the leader has not taken yet.
type collectedData struct {
	By   string    `json:"by"`
	Late time.Time `json:"late,omitzero"`
}

// Collected tells the leader that this member stored mentions, so that
// its alert loop judges them now instead of at its next tick. late, when
// not zero, is the oldest collected time among them when they were stored
// late (replayed from the writer's spool, or by a run that took long):
// the leader's scan must read back that far (TakeLate). It never blocks:
// calls made while a write is under way, or without a session, make one
// more write.
func (c *Coordinator) Collected(late time.Time) {
	c.lateMu.Lock()
	c.late = earliest(c.late, late)
	c.lateMu.Unlock()
	select {
	case c.collected <- struct{}{}:
	default:
	}
}

// Collections receives after a member called Collected (several calls
// may arrive as one). The leader's alert loop wakes on it.
func (c *Coordinator) Collections() <-chan struct{} { return c.collections }

// TakeLate returns the oldest late collected time members reported
// (Collected) and clears it, so that it is taken once; ok is false when
// there is none. The leader calls it on Collections.
func (c *Coordinator) TakeLate() (late time.Time, ok bool) {
	err := c.updateCollected(func(d *collectedData) bool {
		late = d.Late
		d.Late = time.Time{}
		return !late.IsZero()
	})
	if err != nil {
		c.log.Debug("reading the late collections failed", "err", err)
		return time.Time{}, false
	}
	return late, !late.IsZero()
}

// updateCollected applies change to the collected node's data and writes
// it back if change reports a change, retrying when another member wrote
// in between. It creates the node if it is missing.
func (c *Coordinator) updateCollected(change func(*collectedData) bool) error {
	p := c.path(collectedNode)
	for range 10 {
		data, st, err := c.conn.Get(p)
		if errors.Is(err, zk.ErrNoNode) {
			if err := c.ensure(p); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		var d collectedData
		json.Unmarshal(data, &d) // data of an older version (an id) is no late time
		if !change(&d) {
			return nil
		}
		data, _ = json.Marshal(d)
		if _, err = c.conn.Set(p, data, st.Version); !errors.Is(err, zk.ErrBadVersion) {
			return err
		}
	}
	return fmt.Errorf("writing %s: other members kept writing it; trying again at the next collection", p)
}

// earliest is the earlier of a and b; a zero time is none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// tellCollected writes into the collected node after each Collected,
// until the session ends: this member's id, and the oldest late collected
// time not yet taken.
func (c *Coordinator) tellCollected(ctx context.Context, _ int64) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.collected:
		}
		c.lateMu.Lock()
		late := c.late
		c.late = time.Time{}
		c.lateMu.Unlock()
		err := c.updateCollected(func(d *collectedData) bool {
			d.By, d.Late = c.cfg.ID, earliest(d.Late, late)
			return true
		})
		if err != nil {
			c.lateMu.Lock()
			c.late = earliest(c.late, late) // the next collection tells it
			c.lateMu.Unlock()
		}
		if err != nil && ctx.Err() == nil && !c.warnedNoWake.Swap(true) {
			c.log.Warn("cannot tell the leader that this member stored mentions: it judges them at its next tick "+
				"(up to 30 s later) instead of at once, and critical ones stored late may not alert; "+
				"allow members to create and write the node (world ACL all)", "node", c.path(collectedNode), "err", err)
		}
	}
}

// watchCollected sends on Collections each time the collected node's data
// changes, until the session ends. A change between a watch firing and
// the next being set is seen by its version.
func (c *Coordinator) watchCollected(ctx context.Context, _ int64) {
	p := c.path(collectedNode)
	last := int32(-1)
	for ctx.Err() == nil {
		_, st, ev, err := c.conn.GetW(p)
		if errors.Is(err, zk.ErrNoNode) {
			// Not made yet: the first member to store mentions makes it
			// (version 0), then sets it.
			last = 0
			ok, _, ev, err := c.conn.ExistsW(p)
			if err != nil {
				c.pause(ctx)
			} else if !ok {
				select {
				case <-ctx.Done():
				case <-ev:
				}
			}
			continue
		}
		if err != nil {
			c.pause(ctx)
			continue
		}
		if last >= 0 && st.Version != last {
			select {
			case c.collections <- struct{}{}:
			default:
			}
		}
		last = st.Version
		select {
		case <-ctx.Done():
		case <-ev:
		}
	}
}

// retry calls f until it succeeds or ctx ends, waiting a second (or for a
// reconnection) between attempts. It reports whether f succeeded.
func (c *Coordinator) retry(ctx context.Context, what string, f func() error) bool {
	for i := 0; ; i++ {
		err := f()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if i == 0 || i%30 == 0 {
			c.log.Warn("coordination: "+what+" failed; retrying", "err", err)
		}
		c.pause(ctx)
		if ctx.Err() != nil {
			return false
		}
	}
}

// pause waits a second, or less if the connection state changes.
func (c *Coordinator) pause(ctx context.Context) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-c.Changed():
	}
}

func (c *Coordinator) path(parts ...string) string {
	return path.Join(append([]string{c.cfg.Root}, parts...)...)
}

// ensure creates a persistent node if it is missing. It looks first: the
// parent's ACL may forbid creating even a node that exists (an operator
// who made the tree, then the root read-only).
func (c *Coordinator) ensure(p string) error {
	if ok, _, err := c.conn.Exists(p); err == nil && ok {
		return nil
	}
	_, err := c.conn.Create(p, nil, 0, zk.WorldACL(zk.PermAll))
	if err != nil && !errors.Is(err, zk.ErrNodeExists) {
		return fmt.Errorf("creating %s: %w", p, explain(err, p))
	}
	return nil
}

// explain adds what to do to an error creating node p that only an
// operator can fix.
func explain(err error, p string) error {
	switch {
	case errors.Is(err, zk.ErrNoAuth):
		return fmt.Errorf("%w: the ACL of %s does not let this member create nodes in it; "+
			"give it create and delete rights there, or set coordination.root to a path of its own", err, path.Dir(p))
	case errors.Is(err, zk.ErrNoChildrenForEphemerals):
		return fmt.Errorf("%w: %s is an ephemeral node; delete it, or set coordination.root to a path of its own", err, path.Dir(p))
	}
	return err
}

// memberInfo is the data of a member node.
type memberInfo struct {
	ID   string `json:"id"`
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Sources are the sourceKeys of the sources it runs, sorted; null
	// (or absent, from an older version): every source.
	Sources []string `json:"sources"`
	// Settings is the member's Config.Settings.
	Settings string `json:"settings,omitempty"`
}

// sourceKey is a source's name as member nodes list it: short and of a
// bounded length whatever the name (ZooKeeper refuses a node's data over
// 1 MB).
func sourceKey(source string) string {
	sum := sha256.Sum256([]byte(source))
	return hex.EncodeToString(sum[:8])
}

// sourceKeys are the sorted sourceKeys of sources; nil for nil.
func sourceKeys(sources []string) []string {
	if sources == nil {
		return nil
	}
	keys := make([]string, 0, len(sources))
	for _, s := range sources {
		keys = append(keys, sourceKey(s))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// ownerLocked is the member that owns source: the rendezvous owner among
// the live members that run it.
func (c *Coordinator) ownerLocked(source string) string {
	return Owner(source, runners(source, c.members, c.runs))
}

// runners are the members that run source: those that list it, and those
// that list nothing (every source).
func runners(source string, members []string, runs map[string][]string) []string {
	k := sourceKey(source)
	out := make([]string, 0, len(members))
	for _, m := range members {
		if keys, ok := runs[m]; !ok || keys == nil {
			out = append(out, m)
		} else if _, found := slices.BinarySearch(keys, k); found {
			out = append(out, m)
		}
	}
	return out
}

// register creates the member node. A node of the same id held by another
// session is a second process with this id, or a killed one whose session
// has not expired yet: register fails until it is gone.
func (c *Coordinator) register(sid int64) error {
	data, _ := json.Marshal(memberInfo{ID: c.cfg.ID, Host: c.cfg.Host, PID: os.Getpid(), Sources: sourceKeys(c.cfg.Sources), Settings: c.cfg.Settings})
	p := c.path("members", c.cfg.ID)
	_, err := c.conn.Create(p, data, zk.FlagEphemeral, zk.WorldACL(zk.PermAll))
	if errors.Is(err, zk.ErrNodeExists) {
		_, st, gerr := c.conn.Get(p)
		if gerr == nil && st.EphemeralOwner == sid {
			return nil // created by our own earlier attempt
		}
		if gerr == nil && st.EphemeralOwner == 0 {
			// Persistent: no member made it, and it would never go away.
			c.log.Warn("replacing a persistent node of this member's id under members/: no member made it", "node", p)
			if err := c.conn.Delete(p, st.Version); err != nil && !errors.Is(err, zk.ErrNoNode) {
				return fmt.Errorf("deleting the persistent node %s: %w (delete it by hand)", p, err)
			}
			return c.register(sid)
		}
		return fmt.Errorf("member id %q is registered by another session (a second process with this coordination.id, "+
			"or a killed one whose session expires within %s)", c.cfg.ID, c.sessionTimeout())
	}
	if err != nil {
		return fmt.Errorf("creating %s: %w", p, explain(err, p))
	}
	c.log.Info("member registered", "host", c.cfg.Host)
	return nil
}

// watchMembers keeps the member list of session sid current until ctx
// ends.
func (c *Coordinator) watchMembers(ctx context.Context, sid int64) {
	warned := map[string]bool{}
	for ctx.Err() == nil {
		ids, _, ev, err := c.conn.ChildrenW(c.path("members"))
		if err != nil {
			if ctx.Err() == nil {
				c.log.Debug("reading members failed; retrying", "err", err)
			}
			c.pause(ctx)
			continue
		}
		ids, runs, settings := c.liveMembers(ids, warned)
		if !slices.Contains(ids, c.cfg.ID) {
			// Our node was deleted by hand although the session lives:
			// without it the member would own no source.
			c.log.Warn("member node vanished; registering again")
			if !c.retry(ctx, "registering the member again", func() error { return c.register(sid) }) {
				return
			}
			continue
		}
		c.setMembers(ids, runs, settings)
		select {
		case <-ctx.Done():
			return
		case <-ev:
		}
	}
}

// liveMembers drops the children of members/ that no member made:
// persistent nodes (members' nodes are ephemeral), and nodes whose data is
// not a member's ({"id": the node's name, ...}: another program sharing
// the root). Counted as members they would own sources that nobody runs.
// A child that cannot be read is kept, taken to run every source. runs
// holds the sources each member that lists them runs, settings the
// fingerprints of those that have one.
func (c *Coordinator) liveMembers(ids []string, warned map[string]bool) (live []string, runs map[string][]string, settings map[string]string) {
	live, runs, settings = make([]string, 0, len(ids)), map[string][]string{}, map[string]string{}
	for _, id := range ids {
		p := c.path("members", id)
		data, st, err := c.conn.Get(p)
		if errors.Is(err, zk.ErrNoNode) {
			continue // gone since the listing
		}
		why := ""
		var info memberInfo
		switch {
		case err != nil:
		case st.EphemeralOwner == 0:
			why = "a persistent node"
		case json.Unmarshal(data, &info) != nil || info.ID != id:
			why = "its data is not a member's"
		}
		if why == "" {
			live = append(live, id)
			if info.Sources != nil {
				slices.Sort(info.Sources)
				runs[id] = info.Sources
			}
			if info.Settings != "" {
				settings[id] = info.Settings
			}
		} else if !warned[id] {
			warned[id] = true
			c.log.Warn("ignoring a node under members/ that no member made ("+why+"); delete it, or give the other program another path", "node", p)
		}
	}
	return live, runs, settings
}

// setMembers records the member list, the sources each member runs and
// their settings' fingerprints, and releases the locks of sources that
// moved to another member and are not running now.
func (c *Coordinator) setMembers(ids []string, runs map[string][]string, settings map[string]string) {
	sort.Strings(ids)
	c.mu.Lock()
	if slices.Equal(ids, c.members) && maps.EqualFunc(runs, c.runs, slices.Equal) && maps.Equal(settings, c.settings) {
		c.mu.Unlock()
		return
	}
	old := c.members
	c.members, c.runs, c.settings = ids, runs, settings
	var release []string
	for src := range c.held {
		if !c.running[src] && c.ownerLocked(src) != c.cfg.ID {
			release = append(release, src)
		}
	}
	sid := c.session
	c.notifyLocked()
	c.mu.Unlock()
	c.log.Info("members changed", "members", ids, "before", old, "releasing", len(release))
	if ref, differ := differing(ids, runs, slices.Equal); len(differ) > 0 {
		c.log.Warn("the members run different sources (their configs differ): each source runs on one of the members that have it; "+
			"give every member the same sources unless that is meant", "member", ref, "members_with_other_sources", differ)
	}
	if ref, differ := differing(ids, settings, func(a, b string) bool { return a == b }); len(differ) > 0 {
		c.log.Warn("the members' configs differ in brands, alerts, digests or time zone: the leader's decide what is alerted, "+
			"and a failover changes them; give every member the same", "member", ref, "members_with_other_settings", differ)
	}
	for _, src := range release {
		c.release(src, sid)
	}
}

// differing lists the members of ids whose entry in m is not equal to
// that of ref, the first member with one; no differ when all agree.
// Members without an entry are not compared.
func differing[T any](ids []string, m map[string]T, equal func(a, b T) bool) (ref string, differ []string) {
	for _, id := range ids {
		v, ok := m[id]
		switch {
		case !ok:
		case ref == "":
			ref = id
		case !equal(v, m[ref]):
			differ = append(differ, id)
		}
	}
	return ref, differ
}

// seq is the sequence number ZooKeeper appended to a sequential node
// ("…n_" and ten digits), and whether node has one.
func seq(node string) (string, bool) {
	i := strings.LastIndex(node, "n_")
	if i < 0 || len(node)-(i+2) != 10 {
		return "", false
	}
	for _, r := range node[i+2:] {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return node[i+2:], true
}

// elect runs the election recipe for session sid until ctx ends: if our
// node is the lowest we lead; otherwise watch only the next lower node (no
// herd effect when the leader goes) and look again when it goes.
//
// Nodes no member made never lead: those without a sequence number, and
// persistent ones (created by hand), found when a member watches one.
func (c *Coordinator) elect(ctx context.Context, sid int64, node string) {
	foreign := map[string]bool{}
	for ctx.Err() == nil {
		kids, _, err := c.conn.Children(c.path("election"))
		if err != nil {
			c.pause(ctx)
			continue
		}
		kids = slices.DeleteFunc(kids, func(k string) bool {
			if _, ok := seq(k); !ok && !foreign[k] {
				foreign[k] = true
				c.log.Warn("ignoring a node under election/ without a sequence number: no member made it; delete it", "node", c.path("election", k))
			}
			return foreign[k]
		})
		sort.Slice(kids, func(i, j int) bool { a, _ := seq(kids[i]); b, _ := seq(kids[j]); return a < b })
		idx := -1
		for i, k := range kids {
			if k == node {
				idx = i
			}
		}
		switch {
		case idx < 0:
			// Our node is gone although the session lives (deleted by
			// hand): join again.
			c.log.Warn("election node vanished; joining the election again", "node", node)
			created, err := c.conn.CreateProtectedEphemeralSequential(c.path("election", "n_"), []byte(c.cfg.ID), zk.WorldACL(zk.PermAll))
			if err != nil {
				c.pause(ctx)
				continue
			}
			node = path.Base(created)
			c.mu.Lock()
			c.epoch++
			c.mu.Unlock()
			continue
		case idx == 0:
			c.setElected(sid, true)
			// Leader until the session ends or the node is deleted.
			ok, _, ev, err := c.conn.ExistsW(c.path("election", node))
			if err != nil || !ok {
				c.setElected(sid, false)
				c.pause(ctx)
				continue
			}
			select {
			case <-ctx.Done():
				return
			case e := <-ev:
				if e.Type == zk.EventNotWatching {
					return // the session ended
				}
				c.setElected(sid, false)
			}
		default:
			pred := kids[idx-1]
			ok, st, ev, err := c.conn.ExistsW(c.path("election", pred))
			if err != nil {
				c.pause(ctx)
				continue
			}
			if !ok {
				continue
			}
			if st.EphemeralOwner == 0 {
				foreign[pred] = true
				c.log.Warn("ignoring a persistent node under election/: no member made it; delete it", "node", c.path("election", pred))
				continue
			}
			c.log.Debug("waiting for the predecessor in the election", "predecessor", pred, "position", idx)
			select {
			case <-ctx.Done():
				return
			case <-ev:
			}
		}
	}
}

// setElected records the election's outcome as seen by session sid. An
// outcome read in a session that has since ended is dropped: the old
// session's node was the lowest, but the new session has not even joined
// yet, and electing on it would let two members lead at once.
func (c *Coordinator) setElected(sid int64, v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != sid || c.elected == v {
		return
	}
	c.elected = v
	if v {
		c.leaderSince = time.Now()
		c.log.Info("elected leader")
	}
	c.notifyLocked()
}

// Lead calls run each time this member becomes the leader, with a context
// that ends when it stops leading (or ctx ends), until ctx ends. run must
// return when its context ends; the next term starts only after it has.
//
// resumed is true when the term follows this member's previous term in
// the same session with the same election node: the member stepped down
// only because ZooKeeper was out of reach, and since its node stayed the
// lowest no other member can have led in between, so in-memory state of
// the previous term is still right. Otherwise state must be rebuilt from
// the store.
func (c *Coordinator) Lead(ctx context.Context, run func(ctx context.Context, resumed bool)) error {
	lastEpoch := int64(-1)
	for {
		ch := c.Changed()
		c.mu.Lock()
		leading, epoch := c.isLeaderLocked(), c.epoch
		c.mu.Unlock()
		if !leading {
			select {
			case <-ctx.Done():
				return nil
			case <-ch:
			}
			continue
		}
		term, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				ch := c.Changed()
				if !c.IsLeader() {
					cancel()
					return
				}
				select {
				case <-term.Done():
					return
				case <-ch:
				}
			}
		}()
		resumed := epoch == lastEpoch
		lastEpoch = epoch
		c.log.Info("leading: the alert loop runs on this member", "resumed", resumed)
		run(term, resumed)
		cancel()
		<-done
		if ctx.Err() != nil {
			return nil
		}
		c.log.Warn("no longer leading: the alert loop stopped on this member")
	}
}

// lockName turns a source name into one ZooKeeper node name. A name
// that would make the node longer than maxLockName is hashed: ZooKeeper
// drops the connection on a request over 1 MB.
func lockName(source string) string {
	if n := "s-" + url.PathEscape(source); len(n) <= maxLockName {
		return n
	}
	sum := sha256.Sum256([]byte(source))
	return "h-" + hex.EncodeToString(sum[:])
}

// maxLockName bounds a lock node's name; far above any sane source name.
const maxLockName = 1024

// Begin is called before each run of source. run reports whether this
// member may run it now: it owns the source by rendezvous hashing and holds
// its lock (fresh when the lock was just taken: another member may have
// run the source since, so its state must be re-read from the store).
// Without ZooKeeper a member runs only the sources it already holds. When
// run is false, retry > 0 asks to try again after that long (the lock is
// still held by the previous owner's run, or ZooKeeper did not answer);
// retry 0 means wait for Changed. Every Begin that returns run must be
// followed by End.
func (c *Coordinator) Begin(source string) (run, fresh bool, retry time.Duration) {
	c.mu.Lock()
	sid, held := c.session, c.held[source]
	if c.releasing[source] {
		c.mu.Unlock()
		return false, false, time.Second
	}
	if held && (!c.connected || c.ownerLocked(source) == c.cfg.ID) {
		c.running[source] = true
		c.mu.Unlock()
		return true, false, 0
	}
	if !c.connected || sid == 0 || c.ownerLocked(source) != c.cfg.ID {
		c.mu.Unlock()
		if held {
			c.release(source, sid) // moved away and not running
		}
		return false, false, 0
	}
	c.mu.Unlock()
	p := c.path("locks", lockName(source))
	_, err := c.conn.Create(p, []byte(c.cfg.ID), zk.FlagEphemeral, zk.WorldACL(zk.PermAll))
	if errors.Is(err, zk.ErrNodeExists) {
		// Ours if a create whose answer was lost made it.
		data, st, gerr := c.conn.Get(p)
		if gerr == nil && st.EphemeralOwner == 0 {
			// Persistent: no member's lock (they are ephemeral), and it
			// would keep the source from running forever.
			c.log.Warn("deleting a persistent node in place of a source lock: no member made it", "source", source, "node", p)
			if err := c.conn.Delete(p, st.Version); err != nil && !errors.Is(err, zk.ErrNoNode) {
				c.log.Warn("deleting the persistent lock node failed; delete it by hand", "source", source, "node", p, "err", err)
				return false, false, time.Minute
			}
			return false, false, 10 * time.Millisecond
		}
		if gerr != nil || st.EphemeralOwner != sid {
			c.log.Debug("source lock held by another member; waiting for its run to end", "source", source, "holder", string(data))
			return false, false, time.Second
		}
		err = nil
	}
	if errors.Is(err, zk.ErrNoAuth) {
		c.log.Warn("taking source lock failed; the source does not run", "source", source, "err", explain(err, p))
		return false, false, time.Minute
	}
	if err != nil {
		c.log.Debug("taking source lock failed", "source", source, "err", err)
		return false, false, time.Second
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != sid {
		// The session ended while we created the node: it went with it.
		return false, false, time.Second
	}
	c.held[source], c.running[source] = true, true
	c.log.Info("source lock taken", "source", source)
	return true, true, 0
}

// End is called after a run that Begin allowed. The lock stays while the
// member owns the source, and is released now if a rebalance moved it.
func (c *Coordinator) End(source string) {
	c.mu.Lock()
	delete(c.running, source)
	release := c.held[source] && c.connected && c.session != 0 && c.ownerLocked(source) != c.cfg.ID
	sid := c.session
	c.mu.Unlock()
	if release {
		c.release(source, sid)
	}
}

// Holds reports whether this member holds source's lock.
func (c *Coordinator) Holds(source string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.held[source]
}

// release gives up source's lock if session sid holds it and the source
// is not running. The lock is dropped from held first, so Begin cannot
// run the source on a lock that is being deleted.
func (c *Coordinator) release(source string, sid int64) {
	c.mu.Lock()
	if c.session != sid || c.running[source] || !c.held[source] || c.releasing[source] {
		c.mu.Unlock()
		return
	}
	delete(c.held, source)
	c.releasing[source] = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.releasing, source)
		c.mu.Unlock()
	}()
	p := c.path("locks", lockName(source))
	_, st, err := c.conn.Get(p)
	if err == nil && st.EphemeralOwner == sid {
		err = c.conn.Delete(p, st.Version)
	}
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		c.log.Warn("releasing source lock failed; it goes when the session ends", "source", source, "err", err)
		return
	}
	c.log.Info("source lock released: the source moved to another member", "source", source)
}

// hostList gives the client the servers as configured, one after the
// other; the dialer resolves a name each time it connects. (The client's
// own provider resolves every name once, in Connect, and fails when one
// does not resolve: a server retired from DNS, or ZooKeeper's container
// not started yet, kept the member from starting.)
type hostList struct {
	mu         sync.Mutex
	servers    []string
	curr, last int
}

func (h *hostList) Init(servers []string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.servers, h.curr, h.last = append([]string(nil), servers...), -1, -1
	return nil
}

func (h *hostList) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.servers)
}

// Next returns the next server; retryStart is true once every server was
// tried since the last connection (the client then waits a second).
func (h *hostList) Next() (server string, retryStart bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.curr = (h.curr + 1) % len(h.servers)
	retryStart = h.curr == h.last
	if h.last == -1 {
		h.last = 0
	}
	return h.servers[h.curr], retryStart
}

func (h *hostList) Connected() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = h.curr
}

// zkLogger sends the client's own messages to slog at debug level, and
// keeps the last one (the cause when no session comes) and the session
// timeout the server granted, which the client tells nowhere else.
type zkLogger struct {
	log     *slog.Logger
	asked   time.Duration
	msg     atomic.Pointer[string]
	timeout atomic.Int64 // ms granted
}

// grantedFormat is the client's message on each new connection.
const grantedFormat = "authenticated: id=%d, timeout=%d"

func (l *zkLogger) Printf(format string, args ...any) {
	if format == grantedFormat && len(args) == 2 {
		if ms, ok := args[1].(int32); ok && ms > 0 {
			if granted := time.Duration(ms) * time.Millisecond; l.timeout.Swap(int64(ms)) != int64(ms) && granted != l.asked {
				l.log.Info("zookeeper granted another session timeout than coordination.session_timeout (the servers' min/maxSessionTimeout bound it)",
					"granted", granted, "session_timeout", l.asked)
			}
		}
	}
	m := fmt.Sprintf(format, args...)
	l.msg.Store(&m)
	l.log.Debug("zookeeper client: " + m)
}

func (l *zkLogger) last() string {
	if m := l.msg.Load(); m != nil {
		return *m
	}
	return ""
}
