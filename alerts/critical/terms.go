package critical

// The lexicon, English and Indonesian (formal, slang and common
// misspellings). Words are folded (lower case, apostrophes dropped, runs of
// three letters cut to one); "muntah2" and "datanya" also find "muntah" and
// "data". See the package doc for strong and evidence-needing terms.

// featureWords lists the words of each feature class.
var featureWords = map[int]string{
	fNeg: `not|no|never|nothing|hardly|almost|nearly|dont|didnt|doesnt|isnt|wasnt|arent|werent|wont|cant|couldnt|
		thought|bukan|tidak|tdk|ga|gak|gk|nggak|ngga|enggak|engga|kagak|gag|hampir|kirain|kiraain|kukira|kupikir|
		untung|kayak|kyk|serasa|seolah|jangan|jgn|jngn|if|could|would|might|pray|hope|semoga|bisa|kalau|
		kalo|klo|jika|seandainya|andai|non|anti|tackle|tackling|combat|combating|prevent|preventing|prevention`,
	fFiction: `movie|movies|film|films|drama|dramas|drakor|sinetron|series|episode|episodes|documentary|documentaries|
		novel|trailer|anime|character|characters|tokoh|karakter|plot|season|fiction|lagu|song|songs|lyrics|
		album|academy|sitcom|tvshow`,
	fTopic: `squad|nfl|nba|mlb|nhl|football|rugby|soccer|cricket|preseason|
		players|qb|league|striker|fifa|premiership|playoffs|sepakbola|timnas|pemain|
		rakyat|presiden|jokowi|prabowo|partai|pemilih|pencitraan|kampanye|pilpres|capres|cawapres|pilkada|dpr|
		rezim|koruptor|umat|ahok|anies|kafir|pki|cebong|kampret|president|obama|trump|election|democrats|
		republicans|gop|congress|senator|hillary|romney|clinton|politician|politicians|politisi|
		istana|fpi|nkri|komunis|aqidah|agama|islam|ormas|tni|apbd|gubernur|wagub|pemimpin|aparat|makar|
		pancasila|syariah|khilafah|pejabat|menteri|dprd|bupati|walikota|caleg|golkar|pdip|
		pks|gerindra|demokrat|parliament|minister|goal|goals|touchdown|innings|wicket|nascar|wwe|parpol|poll|
		polls|electoral|barca|tournament|championship|olympics|ufc|boxing|f1|motogp`,
	fClauseBreak: `but|tapi|tp|ternyata|trnyata|however|although|padahal|namun`,
	fPerson: `son|daughter|father|dad|mom|mum|mother|mama|papa|ibu|bapak|ayah|nenek|kakek|grandma|grandmother|grandpa|
		grandfather|husband|wife|suami|istri|child|children|kid|kids|baby|babies|bayi|balita|bocah|anak|adik|adek|kakak|
		abang|man|woman|men|women|person|people|orang|customer|customers|passenger|passengers|penumpang|worker|workers|
		pekerja|pegawai|karyawan|employee|employees|patient|patients|pasien|dog|dogs|cat|cats|puppy|kitten|pet|pets|
		anjing|kucing|ikan|fish|bird|burung|hamster|he|she|someone|somebody|friend|friends|teman|temen|brother|sister|
		uncle|aunt|boy|girl|guest|guests|student|students|siswa|murid|rider|courier|kurir|warga|resident|residents|
		pengunjung|visitor|visitors|korban|victim|victims|pelanggan|konsumen|jamaah|toddler|infant|newborn|pengemudi|
		sopir|supir`,
	fThing: `phone|phones|iphone|hp|handphone|battery|baterai|batre|laptop|router|wifi|engine|car|mobil|motor|plant|
		plants|tanaman|app|aplikasi|lampu|light|lights|tv|charger|printer|computer|pc|console|speaker|headphones|
		earbuds|bulb|lamp|camera|signal|sinyal|server|website|site|mesin|flowers|bunga|account|akun|screen|layar|
		keyboard|mouse|tablet|ipad|watch|jam|service|services|layanan|support|business|industry|market|career|
		conversation|chat|game|series|show|dream|hope|joke|meme|trend|vibe|
		mood|party|band`,
	fDevice: `battery|batteries|baterai|batre|phone|hp|handphone|iphone|charger|charging|dicas|ngecas|powerbank|power|
		laptop|stove|kompor|gas|lpg|tabung|cylinder|heater|pemanas|ebike|scooter|skuter|motor|car|mobil|bus|truck|
		truk|vape|vapes|cord|cable|kabel|plug|outlet|colokan|socket|dryer|oven|microwave|fryer|kettle|ketel|blender|
		cooker|trafo|transformer|mesin|machine|generator|genset|lighter|korek|kitchen|dapur|house|home|rumah|kamar|
		room|apartment|apartemen|building|gedung|gudang|warehouse|depot|factory|pabrik|ruko|store|toko|shop|branch|
		cabang|restaurant|resto|restoran|warung|mall|garage|garasi|parkiran|parking|kos|office|kantor|sekolah|school|
		hotel|firefighters|firefighter|damkar|pemadam|evacuated|evacuate|dievakuasi|evakuasi|penghuni|pocket|saku|
		tas|backpack|bag|train|kereta|flight|pesawat|plane`,
	fFireW: `fire|fires|flames|flame|blaze|burning|burned|burnt|smoke|smoking|smoked|exploded|explode|explodes|
		explosion|explosions|blew|burst|ignited|sparks|sparked|sparking|melted|melting|overheated|overheating|
		kebakaran|terbakar|kebakar|meledak|ledakan|berasap|asap|hangus|gosong|korslet|korsleting|konslet|gembung|
		swollen|swelled|scorched|scorch|smouldering|smoldering`,
	fData: `data|address|addresses|alamat|nik|ktp|passport|passports|password|
		passwords|records|record|nomor|number|numbers|email|emails|personal|pribadi|privasi|privacy|database|
		identity|identitas|foto|photos|kontak|contacts|ssn|nasabah|account|accounts|akun|results|recordings|
		lab|selfie`,
	fMoney: `money|savings|cash|deposit|funds|fund|uang|duit|dana|saldo|rekening|transfer|ditransfer|card|kartu|
		otp|pin|jt|juta|rb|ribu|rp|rupiah|million|dollars|bucks|payment|paid|bayar|dibayar|wallet|ewallet|bank|
		atm|tabungan|gopay|ovo|shopeepay|paypal|btc|bitcoin|crypto|pounds|euros`,
	fReport: `report|reported|reporting|call|called|calling|filed|file|filing|contacted|lapor|laporkan|dilaporkan|
		melapor|melaporkan|laporan|laporin|ngadu|mengadu|mengadukan|diadukan|bawa|membawa|dibawa|ditangkap|tangkap|
		menangkap|diamankan|arrested|arrest|arrests|detained|ditahan|involved|investigating|investigate|investigation|
		selidiki|menyelidiki|penyelidikan|ditangani|menangani|showed|recall|recalled|recalls|complaint|complaints|
		complained|komplain|keluhan|aduan|pengaduan|tarik|menarik|ditarik|investigasi|warning|peringatan|banned|
		ban|larang|dilarang|melarang|shut|menutup|ditutup|usut|mengusut|sanksi|sanction|fined|fine|denda|didenda|
		panggil|memanggil|dipanggil|cabut|dicabut|mencabut|blokir|diblokir|izin`,
	fFood: `ate|eat|eating|eaten|drank|drink|drinking|drinks|drunk|makan|dimakan|makanan|minum|diminum|minuman|
		meal|meals|lunch|dinner|breakfast|food|jajan|jajanan|catering|katering|snack|snacks|nasi|soup|sup|milk|susu|
		formula|juice|jus|bakso|sushi|chicken|ayam|salad|burger|pizza|cake|kue|roti|bread|dumplings|yogurt|seafood|
		oysters|fish|ikan|meat|daging|sandwich|wrap|takeaway|takeout|restaurant|
		resto|restoran|warung|kantin|cafe|kafe|kedai|seblak|mie|mi|noodles|rice|coffee|kopi|tea|teh|es|water|
		smoothie|jamur|mushrooms|cheese|keju|sosis|sausage|kaleng|canned|frozen|beku|kemasan|expired|kadaluarsa|
		kedaluwarsa|basi|spoiled|rotten|busuk|tuna|egg|eggs|telur`,
	fSymptom: `vomiting|vomit|vomited|throwing|puking|puke|puked|diarrhea|diarrhoea|nauseous|nausea|cramps|muntah|
		muntaber|mencret|diare|mual|sick|ill|fever|demam|pusing|lemas|lemes|pingsan|melilit|keram|kejang|
		hospital|hospitalized|er|igd|ugd|puskesmas`,
	fBody: `hand|hands|arm|arms|leg|legs|foot|feet|finger|fingers|jari|jarinya|wrist|ankle|knee|lutut|head|kepala|face|
		wajah|muka|mouth|mulut|lip|lips|bibir|eye|eyes|mata|skin|kulit|scalp|punggung|pinggang|neck|leher|
		tangan|kaki|rib|ribs|hip|nose|hidung|teeth|gigi|tooth|bone|bones|tulang|chest|dada|shoulder|bahu|jaw|body|
		badan|tubuh|alis|palm|palms|forearm|forearms|eyebrow|eyebrows|eyelid|eyelids|cheek|cheeks|belly|stomach|
		nail|nails|ear|ears|thumb|thumbs|toe|toes|lututku|tanganku|kakiku|gigiku|kepalaku`,
	fHospVerb: `ended|rushed|admitted|landed|dilarikan|dirawat|larikan|ambulance|ambulans|dirujuk|hospital|er|
		igd|ugd|stitches|dijahit`,
	fCall: `everyone|everybody|semua|semuanya|ajak|ajakin|all|people|others|kalian|gaes|guys|orang|teman|temen|
		lain|community|warganet|netizen|netizens|yall|friends|family`,
	fTrouble: `roach|roaches|cockroach|cockroaches|kecoa|bedbugs|bugs|worms|maggots|belatung|ulat|mold|moldy|yelling|
		kicking|throwing|abuse|abusing|racist|rasis|rude|kasar|dimaki|maki|memaki|marah|ngamuk|pukul|dipukul|mukul|
		terrible|worst|buruk|kabur|rusak|ngerusak|merusak|refund|respond|responds|response|tanggapan|ditanggepin|
		ditanggapi|tanggung|diem|ignore|ignoring|ignored|komplain|complaint|jerawatan|damaged|broken|overcharged|
		kelakuan|oknum|nyolong|kasus|case|lalat|fly|dirty|kotor|jorok|disgusting|jijik|scam|nipu|penipu|
		muntah`,
	fParticle: `sih|ya|yah|yaa|kah|nih|dong|deh|kak|gan|sis|min|tuh`,
	fApproved: `approved|approves|approval|certified|bersertifikat|terdaftar|aman|safe|legit|halal|lulus|passed`,

	fCommerce: `product|products|produk|store|stores|toko|shop|shops|mall|restaurant|restaurants|resto|restoran|
		warung|cafe|kafe|hotel|app|aplikasi|order|ordered|pesan|pesanan|delivery|deliveries|kurir|courier|driver|
		drivers|rider|ojol|ojek|seller|sellers|penjual|service|layanan|pelayanan|brand|merk|merek|beli|bought|buy|
		buying|purchased|purchase|paket|package|parcel|ate|eat|eating|makan|makanan|minum|minuman|food|drink|
		pengunjung|visitor|visitors|guest|guests|passenger|passengers|penumpang|employee|employees|karyawan|pegawai|
		worker|workers|staff|pabrik|factory|warehouse|gudang|hospital|rs|klinik|clinic|doctor|dokter|perawat|nurse|
		nursing|company|perusahaan|pt|customer|customers|pelanggan|konsumen|nasabah|bank|airline|maskapai|flight|
		penerbangan|bus|kereta|taxi|branch|cabang|outlet|gerai|ruko|indomaret|alfamart|depot|evacuated|evacuate|dievakuasi|evakuasi|parkiran|parking|taksi|travel|park|wahana|waterpark|pool|kolam|gym|salon|spa|groomer|vet|toy|
		mainan|stroller|kibble|formula|susu|obat|medicine|pills|syrup|sirup|drug|vaccine|vaksin|charger|battery|
		baterai|device|elevator|escalator|lift|eskalator|apartment|apartemen|building|gedung|ekspedisi|market|
		supermarket|minimarket|catering|katering|jajan|jajanan|menu|treatment|perawatan|skincare|kosmetik|cosmetic|
		cream|krim|serum|merchant|marketplace|olshop|refund|warranty|garansi|manager|manajer|cs|admin|puskesmas|
		igd|ugd|er|contractor|kontraktor|landlord|developer|pengembang|school|sekolah|daycare|tukang|bengkel|
		mechanic|montir|product|site|website|rental|sewa|ride|trip|perjalanan|tour|umroh|concert|konser|event|
		acara|shipping|pengiriman|ambulance|ambulans|recall|fda|bpom|hoverboard|wheel|shelf|shelves|bottle|botol|
		blender|knife|pisau|machine|mesin|toaster|heater|stove|kompor|chair|kursi|table|meja|glass|kaca|door|pintu|
		brakes|brake|rem|seatbelt|helmet|helm|scooter|ebike|treadmill|trampoline|
		ladder|tangga|cable|kabel|cord|plug|appliance|kettle|dryer|oven|microwave|fryer|lamp|lampu|toys|crib|
		playground|escalator|ride|wahana|rollercoaster|pill|tablet|capsule|kapsul|jamu|suplemen|supplement|
		lotion|shampoo|sampo|dye|cat|pewarna|smoothing|rebonding|massage|pijat|tattoo|tato|surgery|operasi|
		implant|filler|botox|laser|vape|rokok|cigarette|charger|powerbank|laptop|phone|hp|iphone|handphone|
		cooker|earbud|earbuds|headphone|headphones|speaker|meter|balcony|railing|airbag|airbags|van|taxi|cab|
		jug|filter|fridge|seat|cinema|studio|pharmacy|vet|dentist|dental|carer|portal|blanket|
		sunscreen|peel|retinol|straightener|kipas|setrika|heater|tracker|airline|
		cabin|crew|pramugari|technician|teknisi|installer|garage|insurance|clinic|medical|tutors|kennel|
		boarding|nursery|sabun|soap|helm|manicure|salon|dermatologist|gp|urgent|pilates`,
}

// plainWords are words that must not be read as another word: "kayaknya"
// (apparently) is not "kayak" (like) with -nya.
var plainWords = `kayaknya|kyknya|kayanya|kynya|sepertinya|rasanya`

// prefixes find words by their beginning (hashtags and rare affixes).
var prefixes = []struct {
	p, word string
	tagOnly bool
}{
	{"boycott", "boycott", false},
	{"boikot", "boikot", false},
	{"memboikot", "boikot", false},
	{"delete", "#delete", true},
	{"scamm", "scam", false},
	{"scame", "scam", false},
	{"penipu", "penipu", false},
}

// catCommerce marks phrases that count as the fCommerce context.
const catCommerce = "@commerce"

var specs = []spec{
	{cat: catCommerce, terms: `rumah sakit|dokter hewan|car seat|power bank|nursing home|theme park|water park|
		food court|customer service|call center|dealer resmi`, noNeg: true},
	// Suppressors: a question about a harm or a cleared suspicion cancels
	// the terms inside it.
	{cat: "", terms: `is this a scam|is it a scam|is this legit|is it legit|legit or scam|scam or legit|
		legit or a scam|legit or fake|apakah ini penipuan|ini penipuan bukan|penipuan atau bukan|penipuan gak|
		penipuan ga|penipuan nggak|scam gak|scam ga|scam bukan|asli atau palsu|aman gak|aman ga`, noNeg: true},
	// Poisoning: named poisons and contamination alert alone; symptoms
	// need food or drink near them; "sick" needs a cause after it.
	{cat: "poisoning", terms: `poisoning|poisoned|keracunan|keracunannya|diracun|diracuni|diracunin|meracuni|ngeracunin|
		salmonella|listeria|e coli|ecoli|botulism|norovirus|contaminated|terkontaminasi|kontaminasi|tercemar|
		foodborne|food borne|got sick after|get sick after|getting sick after|got sick from|sick after eating|
		sick after drinking|made me sick|made me so sick|made us sick|made us all sick|made my * sick|made him sick|
		made her sick|made them sick|sick as a dog|muntaber|glass shard|glass shards|shard of glass|pecahan kaca|serpihan kaca|
		metal pieces|piece of metal|pieces of metal|metal shavings|keracunan massal`},
	{cat: "poisoning", terms: `vomiting|vomit|vomited|throwing up|threw up|puking|puked|diarrhea|diarrhoea|nauseous|
		muntah|mencret|diare|mual|sakit perut|perut melilit|keram perut|food sick|violently sick|violently ill`,
		need: bit(fFood), win: 14},
	{cat: "poisoning", terms: `piece of glass|pieces of glass|glass in my|piece of plastic|pieces of plastic|
		plastic in my|metal in my|staples in|staple in|potongan staples|potongan kaca|swallowed a|swallowed it|
		swallowed one|almost swallowed|bau gas|smell of gas|smelled gas|carbon monoxide`},
	{cat: "poisoning", terms: `really sick|so sick|very sick|infeksi bakteri`,
		need: bit(fFood), win: 14, follow: "of|and"},
	{cat: "poisoning", terms: `got sick|get sick|getting sick|fell sick|fell ill|became ill|became sick|sick too`,
		need: bit(fFood), win: 14, follow: "of|and"},
	{cat: "poisoning", terms: `expired|kadaluarsa|kedaluwarsa|basi|spoiled|rotten|busuk|mold|moldy|berjamur|jamuran|
		belatung|ulat|kecoa|cockroach|roach|worms|maggots|foreign object`,
		need: bit(fSymptom), win: 14},
	{cat: "poisoning", terms: `allergic reaction|reaksi alergi|alergi parah|anaphylactic|anaphylaxis|anafilaksis|
		epipen|sesak napas|sesak nafas|gagal ginjal|kidney failure|overdose|overdosis|heart palpitations|
		emergency room|the er|er visit|epi pen|adrenaline pen|adrenaline shot|igd|ugd|hospitalized|
		hospitalised|rushed to hospital|rushed to the hospital`},

	// Injury.
	{cat: "injury", ctx: bit(fCommerce), terms: `injured|injuries|got hurt|badly hurt|seriously hurt|was hurt|were hurt|concussion|
		fractured|fracture|stitches|dijahit|chemical burns|chemical burn|luka bakar|
		kesetrum|kesetrom|tersetrum|tersengat listrik|choked on|choking on|tersedak|keselek|berdarah|
		luka luka|terluka|cedera|melepuh|iritasi|bernanah|pingsan|ambulance|ambulans|kecelakaan|car crash|bus crash|
		fatal crash|fatal accident|assaulted|beat up|dipukul|dianiaya|menganiaya|penganiayaan|dikeroyok|
		tertimpa|ketimpa|kejepit|terjepit|blinded|paralyzed|lumpuh|hospital bed|in the hospital|in hospital|
		dirawat di rs|dirawat di rumah sakit|dilarikan ke rs|dilarikan ke rumah sakit|masuk rs|masuk rumah sakit|
		dibawa ke rs|dibawa ke rumah sakit|rawat inap|fisioterapi|needed surgery|dioperasi|whiplash|concussed|
		dislocated|second degree burns|third degree burns|burn mark|burn marks|
		stopped breathing|resuscitate|resuscitated|in urgent care|to urgent care|at urgent care|kepala bocor|
		kepala gw bocor|kepala gue bocor|kepala saya bocor|kepalaku bocor|kepala aku bocor|
		poison control|poison centre|poison center|gegar otak|banged my head|kebentur|terbentur|seriously ill|scared for my life|feared for my life|
		fearing for my life|ugal ugalan|ugalugalan|reckless driving|driving recklessly|drove recklessly|
		hampir nabrak|nyaris nabrak|rear ended`,
		follow: "up|time|report|hati"},
	{cat: "injury", ctx: bit(fCommerce), terms: `bleeding|bled`, follow: "me|edge|heart|money|cash|out"},
	{cat: "injury", ctx: bit(fCommerce), terms: `luka|lecet|hurt|burned|burnt|burn|burns|broke|broken|patah|cut|sliced|scalded|swollen|
		swelling|bengkak|rash|ruam|robek|sobek|kebakar|bruised|bruises|memar|gatal|perih|keseleo|terkilir|sprained|
		jatuh|jatoh|fell|kepeleset|terpeleset|slipped|chipped|twisted|torn|blistered|
		blisters|blister|singed|scalding|gash|retak|swelled|bentol|infection|infected|infeksi`,
		need: bit(fBody), win: 4, follow: "hati|rata|cinta"},
	{cat: "injury", ctx: bit(fCommerce), terms: `accident|crashed`, need: bit(fBody) | bit(fSymptom) | bit(fHospVerb), win: 6},

	// Electric shocks, and medicine given wrong: no context needed.
	{cat: "injury", terms: `nyetrum|disetrum|nyetrom`, need: bit(fDevice) | bit(fBody), win: 8},
	{cat: "injury", terms: `electrocuted|electric shock|electric shocks|got shocked|gave me a shock|wrong dose|wrong dosage|wrong medication|wrong medicine|wrong pills|wrong tablets|wrong drug|
		wrong sedative|someone elses medication|salah obat|salah dosis|overdosed`},

	// A near miss: someone could have died.
	{cat: "injury", ctx: bit(fCommerce), terms: `could have died|couldve died|could have been killed|couldve been killed|
		could have killed|couldve killed|nearly died|almost died|nearly killed|almost killed|nearly electrocuted|
		almost electrocuted|nearly choked|almost choked`, noNeg: true, follow: "laughing|lol|of|from|inside|when|me|us|him|her"},

	// Death: a person or an animal must be the subject of "died" or "mati".
	{cat: "death", ctx: bit(fCommerce), terms: `meninggal|meninggal dunia|tewas|wafat|passed away|lost his life|lost her life|
		lost their lives|lost their life|korban jiwa|korban tewas|was killed|were killed|got killed|been killed|
		killed in|killed by|merenggut nyawa|renggut nyawa|nyawa melayang|drowned|drowning|died from|
		death of my|meninggalnya`,
		follow: "error|errors|flaw|mistake"},
	{cat: "death", ctx: bit(fCommerce), terms: `died|dies|dead|dying|mati|tenggelam|killed|meninggoy|koit|modar`,
		before: bit(fPerson), win: 4, follow: "inside|batre|baterai|lampu|gaya|total|listrik|to|for|down|off|out|of|it|me|the|a|an|exam|test|ujian|tired|inside"},

	// Fire and explosions: a fire word needs a device or place, or a second
	// fire word, nearby.
	{cat: "fire", ctx: bit(fCommerce), terms: `caught fire|catch fire|catches fire|catching fire|burst into flames|in flames|up in flames|
		burned down|burnt down|set on fire|set fire|on fire right|kebakaran hebat|percikan api|semburan api|
		nyembur api|kobaran api|api membesar|terbakar habis|ludes terbakar|hangus terbakar|blew up in|exploded in|
		meledak di|fire broke out|gas leak|kebocoran gas|gas bocor|exit door was locked|fire exit was locked|
		emergency exit was locked|fire exits were locked|fire exit blocked|fire exits blocked|pintu darurat dikunci|
		hampir aja kebakaran|hampir kebakaran|nyulut api`, follow: "mulut|lidah"},
	{cat: "fire", ctx: bit(fCommerce), terms: `fire|fires|flames|blaze|exploded|explode|explodes|exploding|explosion|
		ignited|sparks|sparking|overheated|overheating|burning|kebakaran|terbakar|kebakar|meledak|
		ledakan|berasap|hangus|korslet|korsleting|konslet|gembung|swollen|sparked|scorched|
		melted|melting|swelled|smouldering|smoldering`,
		need: bit(fDevice) | bit(fFireW), win: 8, follow: "jenggot|semangat|station|sale|deal|alarm|drill|with|emblem|phone|tv|stick|tablet|hd|safety|hot|area|section|ban|gun"},
	{cat: "fire", ctx: bit(fCommerce), terms: `smoking`, need: bit(fDevice) | bit(fFireW), win: 8,
		follow: "di|area|room|section|zone|hot|ban|gun|jacket|beef|salmon|meat|ribs|brisket|bbq|deal|sale"},

	// Fraud and scams.
	{cat: "fraud", terms: `scam|scams|scammed|scammer|scammers|scamming|fraud|frauds|fraudulent|fraudster|
		fraudsters|phishing|phished|ponzi|swindled|swindle|swindler|conned|con artist|counterfeit|impersonating|
		impersonate|penipuan|penipu|ketipu|tertipu|menipu|ditipu|nipu|kena tipu|tipu|tipuan|bodong|dibobol|membobol|
		pembobolan|digelapkan|penggelapan|menggelapkan|pemerasan|memeras|diperas|mengatasnamakan|
		unauthorized transactions|unauthorized transaction|unauthorized charges|unauthorized charge|
		double charged|charged twice|charged me twice|charged * times|charged my card * times|stole my|
		stealing from|dibawa kabur|bawa kabur|ripped me off|ripped off|rip off|ripoff|identity theft|
		investasi bodong|pinjol ilegal|charges on my card|charges to my card|charges i didnt make|
		transactions i didnt make|transaction i didnt make|i didnt authorise|i didnt authorize|never authorised|
		never authorized|loan in my name|loans in my name|moneys gone|logged into my|hacked into my|
		account takeover|changed my password|sim swapped|kebobol|kekuras|
		ngaku cs|mengaku cs|ngaku kurir|mengaku kurir|ngaku dari|minta kode otp|minta otp|sebutin kode otp|
		sebutkan kode otp|pinjaman atas nama|pinjol atas nama`,
		follow: "muslihat|awareness|alert|prevention|detection|detector|test|tests|call|calls|likely"},
	{cat: "fraud", terms: `stole|stolen|stealing|steal|theft|nyolong|mencuri|dicuri|curi|raib|ilang|hilang|
		lenyap|palsu|fake|kabur|drained|emptied|dikuras|terkuras|disedot|withdrew|withdrawn|melayang|ludes`,
		need: bit(fMoney), win: 8},

	// Data leaks.
	{cat: "leak", terms: `breach|breached|dihack|dihek|dihak|diretas|meretas|peretas|peretasan|
		dark web|doxxed|doxxing|doxed|privacy violation|privacy breach|pelanggaran privasi|data breach|data leak|
		data leaked|data bocor|data dijual|kebocoran data|bocor data|compromised account|account compromised|
		sim swap|forum jual beli`, follow: "of|kontrak"},
	{cat: "leak", terms: `strangers|another patient|another patients`,
		need: bit(fData), win: 6},
	{cat: "leak", terms: `leaked|bocor|bocorin|dibocorin|dibocorkan|membocorkan|kebocoran|exposed|
		tersebar|disebar|disebarin|disebarkan|nyebar|nyebarin|menyebar|menyebarkan|compromised|
		accessed|diakses|dilanggar|disalahgunakan|dicuri|stolen|hacked|hacker|hackers|hack`,
		need: bit(fData), win: 6},

	// Legal threats.
	{cat: "legal", terms: `lawsuit|lawsuits|sued|suing|sue|legal action|take * to court|taking * to court|
		take them to court|see you in court|small claims|class action|cease and desist|my lawyer|our lawyer|
		my lawyers|our lawyers|my attorney|our attorney|legal complaint|legal threat|
		gugat|gugatan|menggugat|digugat|tergugat|penggugat|somasi|mensomasi|disomasi|jalur hukum|ranah hukum|
		proses hukum|langkah hukum|tindakan hukum|tuntutan hukum|dituntut ganti rugi|dituntut secara hukum|dituntut pidana|menuntut ganti rugi|tuntut ganti rugi|
		mempidanakan|dipidanakan|pidanakan|dipidana|uu ite|pencemaran nama baik|ke pengadilan|di pengadilan|
		pengacara kami|pengacara saya|kuasa hukum|defamation|libel|talking to a lawyer|
		speaking to a lawyer|speaking to a solicitor|talking to a solicitor|contacted a lawyer|contacted an attorney|
		contacted a solicitor|consulting a lawyer|lawyer up|lawyering up|gw tuntut|gue tuntut|saya tuntut|
		aku tuntut|akan saya tuntut`},

	// Police.
	{cat: "police", terms: `polisikan|dipolisikan|mempolisikan|police report|police complaint|laporan polisi|
		lapor polisi|lapor ke polisi|lapor ke polres|lapor ke polsek|lapor ke polda|visum|bikin lp|buat lp|
		call the cops|called the cops|calling the cops|call the police|called the police|calling the police`},
	{cat: "police", terms: `police|polisi|cops|cop|polres|polsek|polda|polrestabes|kepolisian|polri|sheriff|
		reskrim|bareskrim`,
		need: bit(fReport), win: 6, follow: "tidur|drama|academy|show"},

	// Regulators.
	{cat: "regulator", terms: `bpom|badan pom|ylki|bpkn|consumer protection|perlindungan konsumen|cfpb|
		better business bureau|trading standards|food safety authority|food safety agency|health department|
		health inspector|health inspectors|health inspection|attorney general|
		product recall|recall of|voluntary recall|issued a recall|announced a recall|ditarik dari peredaran|
		tarik produk|menarik produk|penarikan produk|tanpa izin edar|tidak ada izin edar|ga ada izin edar|
		gak ada izin edar|tidak punya izin edar|data protection authority|data regulator|medical board|
		veterinary board|health board|cosmetology board|licensing board|environmental health|
		consumer safety agency`,
		block: bit(fApproved), win: 6},
	{cat: "regulator", terms: `fda|ftc|ojk|kominfo|komdigi|bpsk|kemendag|ombudsman|dinkes|dinas kesehatan`,
		need: bit(fReport), win: 6, block: bit(fApproved)},

	// Boycotts.
	{cat: "boycott", terms: `boycott|boycotts|boycotting|boycotted|boikot|diboikot|memboikot|pemboikotan|#delete`},
	{cat: "boycott", terms: `stop buying|never buying|never buy from|never buy their|never shop|stop shopping|
		stop belanja|jangan beli|ga bakal beli|gak bakal beli|gk bakal beli|nggak bakal beli|gamau beli|ogah beli|
		uninstall|uninstalled|deleted the app|cancelled my membership|canceled my membership|stop using|
		jangan pake|jangan pakai|jangan belanja|stop langganan`,
		need: bit(fCall), win: 10, noNeg: true},

	// Going viral.
	{cat: "viral", terms: `viralin|viralkan|diviralkan|memviralkan|viralkeun|make this viral|make it viral|
		make this go viral|let this go viral|biar viral|supaya viral|share this so|
		retweet so|bantu share|bantu up|bantu rt|bantu viralkan|tolong share|tolong sebarkan|share biar|biar pada tau|biar orang tau|
		biar orang orang tau|biar semua tau|biar admin|sampai admin|sampe admin|up biar|spill aja|spill dong|
		spill merk|spill nama`},
	{cat: "viral", terms: `viral|trending|went viral|going viral|blew up|front page|views|ditonton|
		geger|heboh|spill|fyp|spread the word|rt until|retweet until|please retweet|pls rt|plz rt|sebarkan|
		please share|pls share|masuk berita|on the news|all over the news|all over twitter|all over tiktok`,
		need: bit(fTrouble), win: 12},
}
