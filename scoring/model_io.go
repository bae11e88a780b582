package scoring

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
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

// WriteModelFile writes a model to path with its Encode method.
func WriteModelFile(path string, encode func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	if err := encode(f); err != nil {
		f.Close()
		return fmt.Errorf("writing model %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing model %s: %w", path, err)
	}
	return nil
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

// softmax turns the scores z into probabilities, in place (the
// Indonesian sentiment model scores in float32, the stage model trains
// in float64).
func softmax[F float32 | float64](z []F) {
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	var sum F
	for i, v := range z {
		z[i] = F(math.Exp(float64(v - mx)))
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

// quantize stores weights as int16 with one scale (weight = q*scale):
// the largest magnitude maps to 32767; all-zero weights get scale 1.
func quantize(w []float32) (scale float32, q []int16) {
	var maxAbs float32
	for _, v := range w {
		maxAbs = max(maxAbs, float32(math.Abs(float64(v))))
	}
	scale = maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	q = make([]int16, len(w))
	for i, v := range w {
		q[i] = int16(math.Round(float64(v / scale)))
	}
	return scale, q
}
