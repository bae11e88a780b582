package clickhouse

import (
	"errors"
	"fmt"
	"net"
	"testing"
)

func TestClosedConn(t *testing.T) {
	op := &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("read: %w", op), true},
		{errors.New("failed to read first block packet from 127.0.0.1:19000 (conn_id=1): read: read tcp 127.0.0.1:43462->127.0.0.1:19000: use of closed network connection"), true},
		{errors.New("code: 60, message: Table default.nope doesn't exist"), false},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, false},
	} {
		if got := closedConn(tc.err); got != tc.want {
			t.Errorf("closedConn(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
