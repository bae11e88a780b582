package clickhouse

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// query runs a read-only query, once more on a fresh connection when the
// pooled one it got turns out to be closed. clickhouse-go can hand out a
// connection that a finished call's context watcher closed just after it
// went back to the pool ("use of closed network connection" before the
// first block); a SELECT is safe to repeat, and a second such error is
// returned as it is.
func (s *Store) query(ctx context.Context, q string, args ...any) (driver.Rows, error) {
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil && closedConn(err) && ctx.Err() == nil {
		rows, err = s.conn.Query(ctx, q, args...)
	}
	return rows, err
}

// closedConn reports whether err says the connection was already closed.
func closedConn(err error) bool {
	return errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "use of closed network connection")
}
