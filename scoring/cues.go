package scoring

import (
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
	// Indonesian complaint cues (the model does the rest).
	"belum sampai": -2.0, "belum dikirim": -2.0, "belum nyampe": -2.0, "tidak sampai": -2.0,
	"telat": -1.5, "terlambat": -1.5, "lemot": -1.8, "kecewa": -2.5, "nyesel": -2.2,
	"menyesal": -2.2, "kapok": -2.6, "rusak": -2.2, "penipu": -3.0, "penipuan": -3.0,
	"hilang": -1.2, "parah": -1.5, "tidak update": -1.6, "tidak direspon": -2.0,
	"tidak dibalas": -2.0, "lama balas": -1.6, "jangan beli": -2.6, "dipersulit": -2.2,
	"mantul": 2.6, "mantap": 2.4, "recommended": 2.0, "puas": 2.2,
}

// stageCues gives each moment of truth its signals, English and
// Indonesian (normal forms: slang is normalised first). Weights are
// evidence: a phrase that settles the stage on its own weighs 2 or more.
var stageCues = [numStages]map[string]float32{
	stZ: {
		"is it worth": 2.5, "worth buying": 3, "any thoughts on": 2, "thinking about": 1.2,
		"planning": 1, "wishlist": 2, "ada yang tau": 2.5, "ada yang tahu": 2.5,
		"gimana kualitasnya": 2.5, "minat": 1.5, "which should": 2, "or should i": 2,
		"anyone tried": 2.5, "anyone here": 1.5, "has anyone": 2, "have you tried": 1.5,
		"anyone used": 2.5, "anyone using": 2, "thinking of buying": 3, "thinking about buying": 3,
		"thinking of getting": 3, "planning to buy": 3, "planning to get": 3, "worth it": 2,
		"worth the money": 2, "vs": 2, "versus": 2, "which one": 2, "which is better": 2.5,
		"should i buy": 3, "should i get": 3, "recommendations": 2, "recommendation": 1.5,
		"any recommendations": 2.5, "reviews": 1.2, "reading": 0.8, "about to order": 2.5,
		"about to buy": 2.5, "might get": 2, "might finally": 1.5, "looking for": 1.5,
		"before buying": 2.5, "compare": 1.5, "comparison": 1.5, "considering": 1.5,
		"want to buy": 2, "on sale": 1.2, "ada yang pernah": 3, "yang pernah": 1.5,
		"rekomendasi": 2.5, "rekomen": 2, "bagus tidak": 2.5, "worth it tidak": 3, "bingung": 1.5,
		"antara": 1, "ulasan": 1.2, "baca review": 2, "review": 0.8, "checkout": 1.2,
		"mau beli": 2.5, "pengen beli": 2.5, "ingin beli": 2.5, "mau checkout": 2,
		"mikir dua kali": 2, "sebelum beli": 2.5, "jadi pengen": 2, "kayaknya": 0.8,
		"dong": 0.8, "saran": 1.5, "mending": 1.5, "atau": 0.5, "pilih": 1,
	},
	stF: {
		"first day": 1.5, "just opened": 2, "just unboxed": 3, "baru dibuka": 2, "baru datang": 1.5,
		"first impression": 3, "first impressions": 3, "first look": 3, "first time": 1.5,
		"unboxing": 3, "unboxed": 3, "just saw": 2, "just got": 1.5, "packaging": 2.5,
		"display": 1.5, "store page": 2.5, "listing": 2, "of the box": 2.5, "new store": 1.5,
		"in the store": 1.5, "looks": 1, "pertama kali": 3, "kesan pertama": 3.5,
		"pertama": 1, "kemasan": 2.5, "packing": 2, "desain": 1, "desainnya": 1.5,
		"tampilan": 1.5, "baru buka": 2, "buka aplikasinya": 2, "isinya": 1.5, "sesuai foto": 1.5,
		"baru lihat": 2, "lihat display": 2, "etalase": 2,
	},
	stA: {
		"booking": 1.5, "ticket": 1, "tiket": 1.2, "not received": 2.5, "haven't received": 2.5,
		"belum diterima": 2.5, "belum masuk": 1.5, "confirmation email": 2.5, "delivery date": 2.5,
		"pemasangan": 1.5, "jadwal pemasangan": 2.5, "estimasi": 1.5, "still not here": 2.5,
		"order": 1.2, "ordered": 1.5, "my order": 2, "package": 2, "parcel": 2.5, "shipping": 2,
		"shipped": 2.5, "delivery": 1.8, "courier": 2.5, "tracking": 2.5, "tracking number": 3,
		"dispatched": 2.5, "dispatch": 2, "in transit": 3, "out for delivery": 3, "arrived": 1.5,
		"hasn't arrived": 3, "has not arrived": 3, "never arrived": 2, "still waiting": 2,
		"where is my": 2.5, "paid": 1.2, "confirmation": 1.5, "e-ticket": 2.5,
		"installation": 1.5, "appointment": 1.2, "late": 1, "delayed": 1.5, "delays": 1.2,
		"paket": 2.5, "kurir": 2.5, "kurirnya": 2.5, "resi": 3, "dikirim": 2.5, "pengiriman": 2.5,
		"pesanan": 2, "pesan": 1, "nyampe": 2, "sampai": 1, "belum sampai": 3, "ongkir": 1.5,
		"ekspedisi": 2.5, "gudang": 1.5, "dibayar": 1.5, "bayar": 0.8, "nunggu": 1.2, "menunggu": 1.2,
		"telat": 1.2, "terlambat": 1.2, "cod": 1.5, "barangnya": 0.8,
	},
	stS: {
		"staff": 1.5, "signal": 1.5, "sinyal": 1.5, "internet": 1, "kulit": 1.5, "jerawat": 1.5, "room": 1,
		"kamar": 1, "stayed": 1.5, "menginap": 1.5, "tasted": 1.5, "after using": 2,
		"setelah pakai": 2, "setelah dipakai": 2, "hotline nya": 1.5, "tagihan": 0.8,
		"using": 1.5, "been using": 2.5, "use": 0.8, "used": 0.5, "battery": 2, "support": 2,
		"customer service": 2.5, "customer support": 2.5, "agent": 2, "called": 1.5, "call": 1,
		"chat": 1.2, "every time": 1.5, "keeps": 1.2, "crashing": 2, "crash": 1.5, "crashes": 1.5,
		"after the update": 1.5, "stopped working": 2, "doesn't work": 1.5, "not working": 1.5,
		"taste": 1.5, "tastes": 1.5, "skin": 1.5, "slow": 1, "weeks": 0.8, "days": 0.5,
		"helpdesk": 2, "hotline": 2, "technician": 1.5, "billing": 1, "login": 1.5, "error": 1.2,
		"pakai": 1.5, "dipakai": 2, "pemakaian": 2, "cs": 2.5, "balas": 1.5, "balasnya": 1.5,
		"respon": 1.5, "direspon": 2, "baterai": 2, "baterainya": 2, "aplikasi": 1.2,
		"lemot": 1.5, "tiap": 1, "setiap": 1, "admin": 1.5, "komplain": 1.5,
		"keluhan": 1.5, "minggu": 0.5, "rasanya": 1.5, "layanan": 1.2, "pelayanan": 1.2,
		"lag": 1.2, "ngelag": 1.5, "mati": 1, "habis": 0.8, "berisik": 1.2, "halus": 1,
	},
	stL: {
		"rate": 1.5, "review jujur": 2.5, "jangan pernah": 2.5, "tidak recommended": 3,
		"never buy": 3, "not recommend": 3, "recommend this": 2, "overall": 1.5,
		"secara keseluruhan": 2, "would recommend": 3, "must buy": 2.5, "wajib beli": 2.5,
		"highly recommend": 3, "recommend": 1.5, "i recommend": 2, "do not buy": 3.5,
		"don't buy": 3.5, "never again": 3, "never ordering": 3, "never buying": 3,
		"warning": 2.5, "warn": 2, "warning everyone": 3, "avoid": 2, "stay away": 3,
		"stars": 2.5, "star": 2, "buy it again": 3, "buy again": 3, "would buy": 2,
		"worth every penny": 2.5, "rating": 1.5, "review": 0.5, "everyone": 1.2, "anyone": 0.3,
		"months": 0.8, "year": 0.8, "build quality": 1, "exactly what": 1.5, "for the price": 1,
		"kapok": 3.5, "jangan beli": 3.5, "recommended": 2.5, "repeat order": 3, "bintang": 2.5,
		"bintang satu": 3, "bintang lima": 3, "beli lagi": 2.5, "langganan": 1.5, "guys": 1.5,
		"buat kalian": 2.5, "kalian": 1.5, "setahun": 1, "pasti": 1, "biasa aja": 1.5,
		"lumayan": 1.2, "kw": 1.5, "palsu": 1.5, "beda jauh": 1.5, "nothing special": 1.5,
		"the best": 1, "terbaik": 1, "disappointed": 0.5,
	},
	stU: {
		"merger": 3, "akuisisi": 3, "kuartal": 2.5, "meluncurkan": 1.5, "rekrutmen": 2.5,
		"launch event": 2, "press": 1.5, "appoints": 2.5, "menunjuk": 1.5,
		"announces": 3, "announced": 3, "announce": 2.5, "earnings": 3, "quarterly": 2.5,
		"hiring": 3, "hires": 2.5, "ipo": 3, "shares": 2, "stock": 1.5, "ceo": 2,
		"partnership": 2.5, "partners with": 2.5, "sponsor": 2, "sponsorship": 2.5,
		"sponsors": 2, "acquires": 3, "acquisition": 3, "opens": 1.5, "office": 1.5,
		"results": 1, "revenue": 2.5, "investors": 2, "engineers": 1.5, "jobs": 1.5,
		"press release": 3, "launches": 1.5, "resmi": 2, "saham": 3, "kantor": 2,
		"cabang": 1.5, "membuka": 1.5, "lowongan": 3, "kerja sama": 2.5, "kerjasama": 2.5,
		"perdagangan": 2, "laba": 2.5, "investor": 2, "pendapatan": 2, "direktur": 2,
		"merekrut": 2.5, "peluncuran": 1.5, "toko baru": 1, "buka toko": 1,
	},
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
	le les des est une avec pour sur pas dans ce cette qui
	der die das und ist nicht mit ein eine auf für ich sie
	o os as um uma não com para muito
	het een en van niet dat`
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

// loadTables builds the vocabulary entries for the tables above.
func loadTables() {
	for k, v := range idSlang {
		if k != v {
			word(k).normID = uint16(word(v).id)
			word(k).lang |= langID
		}
		if !word(v).vader() {
			word(v).lang |= langID
		}
	}
	for p, v := range domainValence {
		c := cueFor(p)
		c.valence, c.hasVal = v, true
		if !strings.Contains(p, " ") {
			wi := word(p)
			wi.valence = v
			wi.flags |= fInLex
		}
	}
	for st, m := range stageCues {
		for p, w := range m {
			cueFor(p).stage[st] += w
		}
	}
	for bit, list := range aspectCues {
		for _, p := range list {
			cueFor(p).aspects |= bit
		}
	}
	for flag, list := range map[uint8]string{langEN: enWords, langID: idWords, langOther: otherWords} {
		for _, w := range strings.Fields(list) {
			word(w).lang |= flag
		}
	}
	for _, w := range idNegators {
		word(w).flags |= fIDNeg
	}
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
		}
		k := phraseKey(ids...)
		if phraseMap[k] == nil {
			phraseMap[k] = &cue{}
		}
		return phraseMap[k]
	}
	panic("scoring: cue phrase longer than three words: " + p)
}
