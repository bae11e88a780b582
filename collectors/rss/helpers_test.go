package rss

import (
	"bytes"
	"compress/gzip"
	"testing"
)

func gzipZeros(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(make([]byte, n))
	zw.Close()
	return b.Bytes()
}
