package training

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// checkEmbedded fails t unless encode writes exactly the bytes of the
// embedded model file at path; retrain tells how to rebuild it.
func checkEmbedded(t *testing.T, encode func(io.Writer) error, path, retrain string) {
	t.Helper()
	var b bytes.Buffer
	if err := encode(&b); err != nil {
		t.Fatal(err)
	}
	embedded, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), embedded) {
		t.Errorf("the embedded %s is not what its data trains: run %s and rebuild", path, retrain)
	}
}
