package scoring

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// The embedded models are gzip of a magic string and little-endian
// fields; these two helpers are the gzip and magic around them.

// writeModel writes raw, gzipped, to w.
func writeModel(w io.Writer, raw []byte) error {
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	return zw.Close()
}

// openModel un-gzips data and checks its magic; it returns a reader of
// the fields after the magic. what names the model in errors.
func openModel(data []byte, magic, what string) (*bytes.Reader, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading %s model: %w", what, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("reading %s model: %w", what, err)
	}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, fmt.Errorf("not a %s model (bad magic)", what)
	}
	return bytes.NewReader(raw[len(magic):]), nil
}
