package mentionwatch

import (
	"strings"
	"testing"
)

func TestBrandQueryErrorsNameFileLineKeyColumn(t *testing.T) {
	for _, tc := range []struct{ yml, want string }{
		{"brands:\n  - name: Acme\n    query: 'acme OR \"acme store'\n",
			`c.yaml:3: brands[Acme].query: query: column 9: unclosed quote: add the closing " (docs/QUERIES.md has the grammar)`},
		{"brands:\n  - name: Acme\n    query: acme\n    competitors:\n      - name: Robo\n        query: robo AND\n",
			`c.yaml:6: brands[Acme].competitors[Robo].query: query: column 9: expected a term after AND, found end of query`},
		{"brands:\n  - name: Acme\n    query: acme lnag:id\n",
			`c.yaml:3: brands[Acme].query: query: column 6: unknown field lnag: (did you mean lang:?)`},
		{"brands:\n  - name: Acme\n    query: NOT spam\n",
			`c.yaml:3: brands[Acme].query: the query matches texts that contain none of its words`},
		{"brands:\n  - name: Acme\n    keywords: [acme]\n    query: acme\n",
			`c.yaml:4: brands[Acme].query: give either query: or keywords:/exclude:, not both`},
		{"brands:\n  - name: Acme\n",
			`c.yaml:2: brands[Acme].keywords: at least one keyword (or a query:) is required`},
	} {
		_, err := ParseConfig("c.yaml", []byte(tc.yml), env(nil))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("config\n%s\n got %v\nwant %s...", tc.yml, err, tc.want)
		}
	}
}

func TestBrandQueryLoads(t *testing.T) {
	yml := "brands:\n  - name: Acme\n    query: '(acme OR \"acme store\" OR @acme_id) -spam'\n    competitors:\n      - name: Robo\n        keywords: [roboclean]\n"
	cfg, err := ParseConfig("c.yaml", []byte(yml), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if b := cfg.Brands[0]; b.Query != `(acme OR "acme store" OR @acme_id) -spam` || b.QueryLine != 3 {
		t.Errorf("brand %+v", b)
	}
}
