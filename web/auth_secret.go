package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Passwords are hashed with argon2id at OWASP's minimum (19 MiB, two
// passes, one lane) and stored as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>   (unpadded base64)
//
// Verification reads the parameters from the string, so they can be
// raised later without invalidating stored hashes.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
	// Bounds on parameters read from a stored hash: a corrupted row must
	// not make one login allocate gigabytes.
	argonMaxMemory = 256 * 1024
	argonMaxTime   = 16
)

// MinPasswordLen is the shortest password `user add` accepts.
const MinPasswordLen = 10

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id PHC string of password.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLen {
		return "", fmt.Errorf("the password is %d characters; use at least %d", len(password), MinPasswordLen)
	}
	salt := make([]byte, argonSaltLen)
	rand.Read(salt) // never fails (crypto/rand)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errBadHash: the stored hash is not one this program wrote.
var errBadHash = errors.New("stored password hash is not an argon2id PHC string (reset the password: mentionwatch user reset-password NAME)")

// VerifyPassword reports whether password matches the PHC string hash. An
// error means the hash itself cannot be read.
func VerifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 ||
		m < 8 || m > argonMaxMemory || t < 1 || t > argonMaxTime || p < 1 {
		return false, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified when a login names no known user, so that an
// unknown name takes as long as a wrong password. Made on first use.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-password-of-anyone")
	return h
})

// API tokens are mwt_<id>_<secret>: the id (12 hex digits) finds the
// stored token, the secret (32 random bytes, base64url) proves it. Only
// the SHA-256 of the secret is stored: a token is random enough that a
// fast hash suffices.
const tokenPrefix = "mwt_"

// NewAPIToken returns a new token to show once, its id and the digest to
// store.
func NewAPIToken() (token, id, hash string) {
	idb := make([]byte, 6)
	rand.Read(idb)
	sec := make([]byte, 32)
	rand.Read(sec)
	id = hex.EncodeToString(idb)
	secret := base64.RawURLEncoding.EncodeToString(sec)
	return tokenPrefix + id + "_" + secret, id, digest(secret)
}

// parseAPIToken splits a token into its id and the digest of its secret;
// ok is false when tok is not shaped like an API token.
func parseAPIToken(tok string) (id, dig string, ok bool) {
	rest, ok := strings.CutPrefix(tok, tokenPrefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 12 || secret == "" || len(secret) > 128 {
		return "", "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", "", false
	}
	return id, digest(secret), true
}

// newSessionSecret returns a cookie value and the session id to store
// (its digest).
func newSessionSecret() (cookie, id string) {
	b := make([]byte, 32)
	rand.Read(b)
	cookie = base64.RawURLEncoding.EncodeToString(b)
	return cookie, digest(cookie)
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
