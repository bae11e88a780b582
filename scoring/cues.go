package scoring

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// Moments of truth, as indexes into cue.stage.
const (
	stZ = iota
	stF
	stA
	stS
	stL
	stU
	numStages
)

// Aspect names, in bit order.
var aspectNames = []string{"delivery", "price", "service", "quality", "app", "refund"}

const (
	aspDelivery uint16 = 1 << iota
	aspPrice
	aspService
	aspQuality
	aspApp
	aspRefund
)

// domainValence is the complaint lexicon: words and phrases (up to three
// words) whose valence the general VADER lexicon misses or underrates for
// customer mentions. Scale -4..4, like VADER.
var domainValence = map[string]float32{
	"crash": -2.0, "crashes": -2.0, "crashing": -2.2, "crashed": -2.0, "refund": -1.2,
	"refunds": -1.0, "late": -1.5, "scam": -3.0, "scammed": -3.0, "scammer": -3.0, "broken": -2.2,
	"broke": -2.0, "defective": -2.5, "faulty": -2.2, "laggy": -1.8, "buggy": -1.9, "glitch": -1.5,
	"glitchy": -1.8, "overpriced": -1.9, "overcharged": -2.4, "unresponsive": -2.0, "delayed": -1.5,
	"delays": -1.4, "frozen": -0.8, "freezes": -1.5, "freezing": -0.8, "unusable": -2.5,
	"rip-off": -2.8, "ripoff": -2.8, "counterfeit": -2.3, "fake": -2.0, "missing": -1.2,
	"damaged": -2.0, "leaking": -1.6, "leaks": -1.3, "stopped working": -2.3,
	"does not work": -2.0,
	"never replies": -2.5, "never replied": -2.5, "never responds": -2.5, "never responded": -2.5,
	"no reply": -2.0, "no response": -2.0, "no answer": -1.6, "never arrived": -2.5,
	"hasn't arrived": -2.0, "has not arrived": -2.0, "haven't received": -2.0,
	"still waiting": -1.8, "still hasn't": -1.6, "waste of money": -2.8, "waste of time": -2.5,
	"do not buy": -2.8, "don't buy": -2.8, "never again": -2.5, "stay away": -2.5,
	"on hold": -1.0, "keeps crashing": -2.6, "charged twice": -2.4, "poor quality": -2.4,
	// VADER's special-case idioms.
	"the shit": 3, "the bomb": 3, "bad ass": 1.5, "yeah right": -2, "kiss of death": -1.5,
	"to die for": 3, "beating heart": 3.1, "broken heart": -2.9, "bus stop": 0,
	"customer service": 0, "out for delivery": 0.6,
	"can't wait": 1.8, "cant wait": 1.8, "cannot wait": 1.8,
	// Review complaints the general lexicon lacks (products, apps, media).
	"mediocre": -1.8, "bland": -1.3, "tedious": -1.8, "forgettable": -1.5, "predictable": -0.9,
	"overlong": -1.3, "tepid": -1.2, "lacks": -1.3, "lacking": -1.3, "lackluster": -1.8,
	"uninspired": -1.6, "cliched": -1.3, "pointless": -1.8, "shallow": -1.2, "unfunny": -1.8,
	"sloppy": -1.6, "clumsy": -1.3, "flimsy": -1.7, "unreliable": -1.9, "malfunction": -2.0,
	"malfunctions": -2.0, "malfunctioning": -2.1, "issues": -0.7, "overheats": -1.8,
	"overheating": -1.8, "junk": -2.0, "garbage": -2.2, "refunded": -0.5, "unwatchable": -2.5,
	"incoherent": -1.7, "muddled": -1.4, "contrived": -1.4, "pretentious": -1.4, "plodding": -1.4,
	"slow": -0.8, "clunky": -1.4, "hassle": -1.5, "headache": -1.4, "nightmare": -2.2,
	"cheaply": -1.0, "poorly": -1.6, "lifeless": -1.7, "stale": -1.2, "soggy": -1.0,
	"returned it": -1.2, "sent it back": -1.5, "fell apart": -2.0, "falls apart": -2.0,
	"never came": -2.0, "never received": -2.2, "not worth": -2.0, "stopped": -0.5, "dead on arrival": -2.5,
	"skipping": -1.0, "skips": -1.0, "refuses": -1.5, "refused": -1.5, "crapped": -2.0,
	"took forever": -1.8, "takes forever": -1.8, "return it": -1.2, "returning it": -1.2,
	"send it back": -1.5, "dont buy": -2.8, "not work": -2.0, "won't work": -2.0,
	"wont work": -2.0, "dont work": -2.0, "don't work": -2.0, "didn't work": -2.0,
	"never worked": -2.2, "none worked": -2.0, "barely worked": -2.0, "barely works": -2.0,
	"quit working": -2.3, "stops working": -2.3, "no longer works": -2.2, "doesn't work": -2.0,
	"not working": -2.0, "isn't working": -2.0, "wasn't working": -2.0, "money back": -1.2,
	// Critics' and reviewers' evaluative words the general lexicon lacks.
	"diverting": 1.5, "mesmerizing": 2.5, "absorbing": 1.8, "engrossing": 2.2, "riveting": 2.5,
	"gripping": 2.3, "captivating": 2.6, "enthralling": 2.6, "spellbinding": 2.7, "masterful": 2.8,
	"poignant": 1.6, "witty": 2.0, "inventive": 1.9, "imaginative": 1.9, "insightful": 2.0,
	"memorable": 2.0, "refreshing": 2.0, "intriguing": 1.7, "sturdy": 1.5, "reliable": 1.8,
	"durable": 1.6, "crisp": 1.3, "intuitive": 1.5, "convenient": 1.6, "handy": 1.4, "sleek": 1.5,
	"seamless": 1.6, "seamlessly": 1.5, "ergonomic": 1.2,
	"devoid": -1.6, "tiresome": -1.8, "listless": -1.5, "inept": -2.0, "amateurish": -1.8,
	"overwrought": -1.5, "overblown": -1.4, "bloated": -1.3, "ponderous": -1.4, "derivative": -1.2,
	"formulaic": -1.4, "hackneyed": -1.6, "hollow": -1.2, "superficial": -1.3, "uneven": -1.0,
	"unconvincing": -1.5, "implausible": -1.2, "mawkish": -1.6, "maudlin": -1.4, "manipulative": -1.5,
	"schmaltzy": -1.3, "unbearable": -2.4, "insufferable": -2.4, "wearisome": -1.7, "drab": -1.2,
	"turgid": -1.6, "leaden": -1.5, "inert": -1.2, "misfire": -1.6, "misguided": -1.5, "flaw": -1.5,
	"flaws": -1.4, "drawback": -1.4, "drawbacks": -1.4, "shortcoming": -1.4, "shortcomings": -1.4,
	"flaky": -1.5, "bulky": -1.0, "cumbersome": -1.4, "finicky": -1.3, "unintuitive": -1.5,
	"grainy": -1.1, "fuzzy": -0.8, "tinny": -1.2, "muffled": -1.0,
	// Indonesian complaint cues (the model does the rest).
	"belum sampai": -2.0, "belum dikirim": -2.0, "belum nyampe": -2.0, "tidak sampai": -2.0,
	"telat": -1.5, "terlambat": -1.5, "lemot": -1.8, "kecewa": -2.5, "nyesel": -2.2,
	"menyesal": -2.2, "kapok": -2.6, "rusak": -2.2, "penipu": -3.0, "penipuan": -3.0,
	"hilang": -1.2, "parah": -1.5, "tidak update": -1.6, "tidak direspon": -2.0,
	"tidak dibalas": -2.0, "lama balas": -1.6, "jangan beli": -2.6, "dipersulit": -2.2,
	"mantul": 2.6, "mantap": 2.4, "recommended": 2.0, "puas": 2.2,
}

// aspectCues are the default aspect keywords (brands may add their own).
var aspectCues = map[uint16][]string{
	aspDelivery: {"delivery", "deliver", "delivered", "shipping", "shipped", "ship", "courier",
		"package", "parcel", "tracking", "dispatch", "dispatched", "in transit", "arrived",
		"arrive", "late", "postage", "paket", "kurir", "kurirnya", "resi", "pengiriman",
		"dikirim", "kirim", "ongkir", "ekspedisi", "sampai", "nyampe", "telat", "terlambat"},
	aspPrice: {"price", "prices", "pricing", "expensive", "cheap", "cheaper", "cost", "costs",
		"overpriced", "afford", "affordable", "value for money", "discount", "money", "pricey",
		"harga", "harganya", "mahal", "kemahalan", "murah", "murahan", "terjangkau", "diskon",
		"promo", "duit", "uang", "budget", "worth"},
	aspService: {"support", "customer service", "customer support", "service", "agent",
		"staff", "helpdesk", "hotline", "reply", "replies", "replied", "respond", "response",
		"rude", "friendly", "cs", "pelayanan", "layanan", "admin", "ramah", "respon",
		"direspon", "balas", "balasnya", "servis", "service", "bengkel", "dealer", "sales",
		"marketing", "teknisi", "mekanik", "purna jual", "after sales", "tanggap"},
	aspQuality: {"quality", "broke", "broken", "defective", "faulty", "build", "durable",
		"cheaply made", "battery", "material", "flimsy", "sturdy", "damaged", "kualitas",
		"kualitasnya", "rusak", "awet", "kw", "ori", "original", "bahan", "bahannya", "cacat",
		"baterai", "baterainya", "palsu"},
	aspApp: {"app", "apps", "website", "site", "login", "log in", "crash", "crashes",
		"crashing", "crashed", "bug", "bugs", "buggy", "the update", "latest update", "app update",
		"new update", "checkout page", "aplikasi",
		"aplikasinya", "apk", "situs", "web", "error", "lemot", "ngelag", "store page"},
	aspRefund: {"refund", "refunds", "refunded", "billing", "billed", "charged", "charge",
		"invoice", "payment", "chargeback", "subscription", "pengembalian dana",
		"uang kembali", "tagihan", "ditagih", "pembayaran", "potong saldo", "saldo"},
}

// Language evidence: frequent function words (and common slang) of each
// language. Words of neither language listed under other keep "other"
// possible for Latin-script texts.
var (
	enWords = `the a an and or but is are was were be been being to of in on at for with
	this that these those it its i i'm i've my me you your we our they their he she his her
	not no don't can't won't isn't it's have has had do does did will would should could
	just so very what which who when where why how all any some if than then there here
	from by about after before up out over again still already got get really because
	anyone thinking buying worth money as into through during until while about against
	between each few more most other such only own same too can will now am him them
	she's he's you're we're they're i'll you'll we'll i'd you'd let's that's what's
	there's here's who's don't doesn't didn't wasn't weren't hasn't haven't hadn't
	won't wouldn't shouldn't couldn't mustn't us ours yours hers theirs itself myself
	yourself what whom whose also both either neither every much many another
	something anything nothing everything someone everyone nobody today tonight
	tomorrow yesterday day time people thing things way back well even new old first
	last long great little right big high different small large next early young
	important public bad same able go going gone went come came make made know knew
	think thought see saw look want give take took tell told say said work call try
	ask need feel become leave put mean keep let begin seem help show hear play run
	move live believe bring happen write provide sit stand lose pay meet include
	continue set learn change lead understand watch follow stop create speak read
	spend grow open walk win offer remember love consider appear buy wait serve die
	send expect build stay fall cut reach kill remain movie film story plot`
	idWords = `yang dan di ke dari ini itu untuk dengan tidak tak bukan belum sudah udah
	saya aku kamu kami kita mereka dia ada adalah akan juga atau tapi tetapi karena
	jadi kalau kalo sangat banget sekali lagi masih bisa harus mau pengen sama buat
	pada oleh dalam lebih kurang paling gimana bagaimana kenapa apa siapa mana nya
	deh dong sih kok lah kan ya yah nih tuh aja saja pun baru beli pakai pake
	enak bagus jelek murah mahal harga makanan tempat pelayanan kecewa puas mantap
	mantul lemot nyesel kapok parah banget kali sampai begitu gitu cuma hanya hari
	minggu bulan tahun setelah sebelum sekarang kemarin besok terus emang memang
	pesan pesanan paket kurir barang toko rumah makan minum sudah kalian guys min`
	otherWords = `el la los las del que por para con una uno es están muy pero
	como más fue este esta estaba esto eso tiene también porque cuando todo gracias mucho
	estoy tengo llegó nunca siempre te
	le les des est une avec pour sur pas dans ce cette qui
	et aux nous vous il elle ils sont mais très été était c'est n'est mes ses leur j'ai chez trop
	der die das und ist nicht mit ein eine auf für ich sie
	dem zu sehr auch aber noch wir kein keine schon wie bei vom zum zur habe wird sind oder dass
	wenn mein meine nie immer wieder
	o os as um uma não com para muito
	foi eu você meu minha pelo pela ao isso está estou são já só mais obrigado obrigada
	het een en van niet dat
	ik heel zijn voor maar ook geen naar bij nog deze dit mijn jullie hebben heb werd wordt uit erg zeer
	che sono stato molto anche gli delle nel nella questo questa tutto troppo più perché grazie
	ng mga hindi naman sobrang yung salamat ako siya
	için ile değil gibi daha çok`
)

// idSlang maps informal Indonesian spellings to a normal form, so that the
// model, the negation rules and the stage cues see one word.
var idSlang = map[string]string{
	"gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak",
	"enggak": "tidak", "engga": "tidak", "tdk": "tidak", "tak": "tidak", "kagak": "tidak", "ndak": "tidak", "nda": "tidak",
	"gaada": "tidak_ada", "blm": "belum", "blum": "belum", "bgt": "banget", "bngt": "banget",
	"bener": "benar", "bnr": "benar", "yg": "yang", "dgn": "dengan", "utk": "untuk",
	"tp": "tapi", "tpi": "tapi", "krn": "karena", "karna": "karena", "udh": "udah",
	"sdh": "sudah", "dah": "udah", "lg": "lagi", "aja": "saja", "aj": "saja", "jg": "juga",
	"sy": "saya", "gue": "saya", "gw": "saya", "aq": "aku", "km": "kamu", "dr": "dari",
	"sm": "sama", "bs": "bisa", "bisaa": "bisa", "trs": "terus", "trus": "terus",
	"mantab": "mantap", "mantep": "mantap", "mantul": "mantul", "nyampe": "nyampe",
	"nyesel": "nyesel", "nyesal": "nyesel", "lelet": "lemot", "lambat": "lambat",
	"pake": "pakai", "makasih": "terima_kasih", "mksh": "terima_kasih",
	"bgs": "bagus", "jlk": "jelek", "enk": "enak", "bkn": "bukan", "klo": "kalau",
	"kalo": "kalau", "emg": "memang", "emang": "memang", "skrg": "sekarang",
	"pengen": "pengen", "pingin": "pengen", "pgn": "pengen", "gimana": "bagaimana",
	"gmn": "bagaimana", "knp": "kenapa", "kenapa": "kenapa", "dtg": "datang",
	"dateng": "datang", "telp": "telepon", "tlp": "telepon", "mksd": "maksud",
	"recomended": "recommended", "rekomended": "recommended", "rekomen": "rekomen",
	"rekomendasi": "rekomendasi", "sampe": "sampai", "smp": "sampai", "kirain": "kira",
}

// idNegators negate the next words in Indonesian (after normalising).
var idNegators = []string{"tidak", "belum", "bukan", "jangan", "tanpa", "kurang", "tidak_ada"}

// reviewLexicon holds reviewers' evaluative words and phrases the VADER
// lexicon lacks (lexicon/review_lexicon.tsv: the project's own, see its
// header). Entries of domainValence take precedence over it.
//
//go:embed lexicon/review_lexicon.tsv
var reviewLexicon string

// parseLexicon reads "entry TAB valence" lines; '#' starts a comment line.
func parseLexicon(name, data string) (map[string]float32, error) {
	out := map[string]float32{}
	for n, line := range strings.Split(data, "\n") {
		if line = strings.TrimSpace(line); line == "" || line[0] == '#' {
			continue
		}
		p, v, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("%s line %d: want entry<TAB>valence", name, n+1)
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 32)
		if err != nil || x < -4 || x > 4 {
			return nil, fmt.Errorf("%s line %d: valence %q: want a number from -4 to 4", name, n+1, v)
		}
		p = strings.ToLower(strings.TrimSpace(p))
		if k := len(strings.Fields(p)); k == 0 || k > 3 {
			return nil, fmt.Errorf("%s line %d: %q: want one to three words", name, n+1, p)
		}
		out[p] = float32(x)
	}
	return out, nil
}

// loadTables builds the vocabulary entries for the tables above.
func loadTables() {
	review, err := parseLexicon("lexicon/review_lexicon.tsv", reviewLexicon)
	if err != nil {
		panic(err) // embedded data: a build defect
	}
	for _, p := range sortedKeys(review) {
		v := review[p]
		if _, ok := domainValence[p]; ok {
			continue
		}
		if w, ok := vocab[p]; ok && w.vader() {
			continue // VADER's own rating stands
		}
		domainValence[p] = v
	}
	for _, k := range sortedKeys(idSlang) {
		v := idSlang[k]
		if k != v {
			word(k).normID = uint16(word(v).id)
			word(k).lang |= langID | langIDCore
		}
		if !word(v).vader() {
			word(v).lang |= langID | langIDCore
		}
	}
	for _, p := range sortedKeys(domainValence) {
		v := domainValence[p]
		c := cueFor(p)
		c.valence, c.hasVal = v, true
		if !strings.Contains(p, " ") && !(keepVADER[p] && word(p).vader()) {
			wi := word(p)
			wi.valence = v
			wi.flags |= fInLex
		}
	}
	for st, m := range stageCues {
		for _, p := range sortedKeys(m) {
			cueFor(p).stage[st] += m[p]
		}
	}
	for _, bit := range sortedKeys(aspectCues) {
		for _, p := range aspectCues[bit] {
			cueFor(p).aspects |= bit
		}
	}
	for _, l := range []struct {
		flag  uint8
		words string
	}{{langEN, enWords}, {langID | langIDCore, idWords}, {langOther, otherWords}} {
		for _, w := range strings.Fields(l.words) {
			word(w).lang |= l.flag
		}
	}
	for _, w := range idNegators {
		word(w).flags |= fIDNeg
	}
	markHarm()
	markReturns()
}

// cueFor returns the cue of a word or phrase of up to three words,
// creating it. Words of a phrase are normalised like tokens are.
func cueFor(p string) *cue {
	f := strings.Fields(p)
	ids := make([]uint32, len(f))
	var last *wordInfo
	for i, w := range f {
		wi := word(w)
		if n := wi.norm(); n != nil {
			wi = n
		}
		ids[i], last = wi.id, wi
		if i < len(f)-1 {
			wi.flags |= fPhrase
		}
	}
	switch len(f) {
	case 1:
		if last.cueID == 0 {
			last.cueID = uint16(len(wordCues))
			wordCues = append(wordCues, &cue{})
		}
		return wordCues[last.cueID]
	case 2, 3:
		if len(f) == 3 {
			prefixMap[phraseKey(ids[0], ids[1])] = true
			last.flags |= fEnd3
		} else {
			last.flags |= fEnd2
		}
		k := phraseKey(ids...)
		if phraseMap[k] == nil {
			phraseMap[k] = &cue{}
		}
		return phraseMap[k]
	}
	panic("scoring: cue phrase longer than three words: " + p)
}
