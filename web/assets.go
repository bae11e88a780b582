package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sync"
)

// assetVersion is a short hash of every embedded static file. Pages put it
// in their asset URLs (asset "app.js" -> /static/app.js?v=...), so after an
// upgrade a browser fetches the new files at once, while a versioned URL
// can be cached for a year: its content never changes.
var assetVersion = sync.OnceValue(func() string {
	h := sha256.New()
	fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
})

// asset is the versioned URL of a file under static/.
func asset(name string) string { return "/static/" + name + "?v=" + assetVersion() }

// staticCacheControl: a year for the current version's URL; any other
// (no or an old v=) is checked again on every use.
func staticCacheControl(v string) string {
	if v == assetVersion() {
		return "public, max-age=31536000, immutable"
	}
	return "no-cache"
}
