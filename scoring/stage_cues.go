package scoring

// stageCues gives each moment of truth its signals, English and
// Indonesian (normal forms: slang is normalised first). Weights are
// evidence: a phrase that settles the stage on its own weighs 2 or more.
// It merges the core cues (written with moments/dev.tsv in view) with the
// wide vocabularies of stage_vocab.go (written by class of signal from the
// moments README, across domains); a phrase in both keeps the larger weight.
var stageCues = mergeStageCues(stageCuesCore, stageVocab)

func mergeStageCues(sets ...[numStages]map[string]float32) (out [numStages]map[string]float32) {
	for st := range out {
		out[st] = map[string]float32{}
		for _, set := range sets {
			for p, w := range set[st] {
				if w > out[st][p] {
					out[st][p] = w
				}
			}
		}
	}
	return out
}

// stageCuesCore are the first cues, written with moments/dev.tsv in view.
var stageCuesCore = [numStages]map[string]float32{
	stZ: {
		// Asking before buying (README: recommendations, experiences,
		// comparisons, "worth it?"), in general words of both languages.
		"any good": 2.5, "legit": 1.5, "thoughts": 1.2, "opinions": 1.5, "do you think": 2,
		"help me decide": 3, "help me choose": 3, "torn between": 3, "deciding between": 3,
		"suggestions": 2, "suggest": 1.5, "advice": 1.2, "should i": 2, "pros and cons": 2.5,
		"cari": 1.2, "lagi cari": 2, "nyari": 1.2, "sudah coba": 1.5, "udah coba": 1.5,
		"pendapat": 1.5, "sarannya": 2, "mending mana": 3, "berapa": 1, "nabung": 2,
		"worth": 1, "ganti": 0.8, "tertarik": 1.5, "incar": 2, "ngincer": 2,
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
		// First encounter: the shelf, the box, the listing, the store,
		// the site or the app seen for the first time.
		"shelf": 2, "aisle": 2, "booth": 2, "the box": 1.5, "opened the box": 2.5,
		"first glance": 3, "at first sight": 3, "homepage": 1.5, "website": 1, "ad": 1,
		"advert": 1.5, "commercial": 1.5, "pameran": 2, "dus": 2, "dusnya": 2, "kardus": 2,
		"kelihatan": 1.2, "keliatan": 1.2, "iklan": 1.5, "pertama masuk": 2.5, "rak": 1.5,
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
		// Between paying and receiving: payment, processing, waiting.
		"processing": 1.5, "place my order": 2.5, "order confirmation": 3, "order status": 3,
		"estimated": 1.5, "arriving": 2, "charged": 0.8, "transfer": 1.5, "pembayaran": 1.5,
		"status pesanan": 3, "nyangkut": 2, "diproses": 2, "proses": 0.8, "menunggu pembayaran": 2,
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
		// During use: time in use, faults, and contact with support.
		"customer care": 2.5, "call center": 2.5, "hung up": 2, "on hold": 1.5,
		"since the update": 2, "logs me out": 2, "months in": 2,
		"weeks in": 2, "daily": 1, "every day": 1, "leaks": 1.5, "bocor": 1.5, "layar": 1,
		"layarnya": 1.5, "sebulan": 1, "seminggu": 0.8, "tiap hari": 1.5, "diangkat": 1.5,
		"still works": 1.5, "still going": 1, "commute": 1,
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
		// Addressed to others: verdicts, ratings, advice to buyers.
		"psa": 3, "save your money": 3, "would not recommend": 3.5, "wouldn't recommend": 3.5,
		"out of 5": 3, "out of 10": 3, "pikir-pikir": 2, "yang mau beli": 2.5, "buat yang mau": 2.5,
		"mending jangan": 3, "verdict": 2.5, "worth it": 0.5,
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
		// Corporate news.
		"stepped down": 3, "steps down": 3, "umumkan": 2.5,
		"mengumumkan": 2.5, "pabrik": 2, "beroperasi": 2,
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
