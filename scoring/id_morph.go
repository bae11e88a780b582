package scoring

// Indonesian morphology and slang for the Indonesian model's features.
// The tokenizer normalises the slang spellings the rules and the stage
// cues need (idSlang); this file adds, for the model only, one more
// feature per word: its canonical form, the stem without the affixes
// ter-, di-, ke-, ber-, me(N)-, pe(N)-, se-, -kan, -an and the particles
// -nya, -lah, -kah, -pun, -ku, -mu, after a wider slang normalisation
// (idSlangModel). "dikirim", "kiriman" and "kirimnya" then share the
// feature of "kirim"; "ilang" that of "hilang". Nothing here allocates
// per text.

const seedStem = 0x61c88647

// idSlangModel maps informal spellings the tokenizer keeps to the word
// whose stem the model should see.
var idSlangModel = map[string]string{
	"mulu": "terus", "trs": "terus", "ilang": "hilang", "ngilang": "hilang", "kesel": "kesal",
	"sebel": "kesal", "kzl": "kesal", "bete": "kesal", "gercep": "cepat", "cepet": "cepat",
	"cpt": "cepat", "gokil": "keren", "kece": "keren", "ancur": "hancur", "nyampe": "sampai",
	"nyampai": "sampai", "bnyk": "banyak", "byk": "banyak", "sgt": "sangat", "makasi": "terima_kasih",
	"makasih": "terima_kasih", "thx": "terima_kasih", "tq": "terima_kasih", "thanks": "terima_kasih",
	"rekomen": "recommended", "recommend": "recommended", "recomend": "recommended",
	"ampas": "jelek", "jlek": "jelek", "burik": "jelek", "murce": "murah", "pesen": "pesan",
	"pesenan": "pesanan", "balikin": "kembali", "dibalikin": "kembali", "bosen": "bosan",
	"males": "malas", "seneng": "senang", "gampang": "mudah", "susah": "sulit", "ribet": "rumit",
	"lemes": "lemas", "kelamaan": "lama", "lamaa": "lama", "lamaaa": "lama", "lma": "lama",
	"nunggu": "tunggu", "nungguin": "tunggu", "ditungguin": "tunggu", "dateng": "datang",
	"dtg": "datang", "ngirim": "kirim", "dikirimin": "kirim", "ngasih": "kasih", "dikasih": "kasih",
	"jutek": "judes", "galak": "judes", "ngebut": "ugal", "bikin": "buat", "dibikin": "buat",
	"kek": "kayak", "kayak": "seperti", "kyk": "seperti", "kaya": "seperti", "gitu": "begitu",
	"bgtu": "begitu", "bgitu": "begitu", "nih": "ini", "tuh": "itu", "kalo": "kalau", "klo": "kalau",
	"mo": "mau", "mao": "mau", "pgn": "ingin", "pengen": "ingin", "pingin": "ingin",
	"udh": "sudah", "udah": "sudah", "dah": "sudah", "sdh": "sudah", "blm": "belum", "blom": "belum",
	"gpp": "tidak_apa", "gapapa": "tidak_apa", "nggapapa": "tidak_apa", "joss": "mantap",
	"josss": "mantap", "mantab": "mantap", "mantep": "mantap", "mantul": "mantap",
	"jelekk": "jelek", "bagusss": "bagus", "enakk": "enak", "enakkk": "enak", "parahh": "parah",
	"bangett": "banget", "bangettt": "banget", "bgtt": "banget", "bgttt": "banget",
	"krg": "kurang", "kurg": "kurang", "smpe": "sampai", "smpai": "sampai", "sampe": "sampai",
	"telp": "telepon", "tlp": "telepon", "nelpon": "telepon", "ditelpon": "telepon",
	"eror": "error", "erorr": "error", "errorr": "error", "ngelag": "lag", "nge-lag": "lag",
	"lemott": "lemot", "lelet": "lemot", "lambat": "lemot", "lola": "lemot",
}

// idSlangHash maps hashBytes of each idSlangModel spelling to the stem
// hash of its canonical word (built at init).
var idSlangHash = func() map[uint32]uint32 {
	m := make(map[uint32]uint32, len(idSlangModel))
	for _, k := range sortedKeys(idSlangModel) {
		v := []byte(idSlangModel[k])
		m[hashBytes([]byte(k))] = fnv(seedStem, idStem(v))
	}
	return m
}()

// idCanon is the hash of the canonical form of token t: its slang
// normal form's stem, else its own stem.
func (s *scratch) idCanon(t *token) uint32 {
	return canonOf(s.buf[t.a:t.b], t.h)
}

// canonOf is idCanon for the word w of hash h.
func canonOf(w []byte, h uint32) uint32 {
	if c, ok := idSlangHash[h]; ok {
		return c
	}
	return fnv(seedStem, idStem(w))
}

// idStem strips one particle (-nya, -lah, -kah, -pun, -ku, -mu), one
// suffix (-kan, -an) and one prefix (meng-, meny-, mem-, men-, me-,
// peng-, peny-, pem-, pen-, pe-, ber-, ter-, di-, ke-, se-) from w,
// keeping at least four letters. It returns a sub-slice of w.
func idStem(w []byte) []byte {
	const keep = 4
	for _, suf := range [...]string{"nya", "lah", "kah", "pun", "ku", "mu"} {
		if len(w) >= keep+len(suf) && string(w[len(w)-len(suf):]) == suf {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	for _, suf := range [...]string{"kan", "an"} {
		if len(w) >= keep+len(suf) && string(w[len(w)-len(suf):]) == suf {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	for _, pre := range [...]string{"meng", "meny", "peng", "peny", "mem", "men", "pem", "pen", "ber",
		"ter", "me", "pe", "di", "ke", "se"} {
		if len(w) >= keep+len(pre) && string(w[:len(pre)]) == pre {
			return w[len(pre):]
		}
	}
	return w
}
