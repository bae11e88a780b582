package clickhouse

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.sql")

// allDDL is every statement a fresh Migrate runs, in order.
func allDDL(s Schema) []string {
	out := []string{s.MigrationsTable()}
	for _, m := range s.Migrations() {
		out = append(out, m.Statements...)
		for _, c := range m.Columns {
			out = append(out, s.addColumn(c)...)
		}
	}
	return out
}

func TestDDLGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema Schema
	}{
		{"single_18.16", Schema{Database: "default", RetentionDays: 30}}, // retention ignored: no TTL support
		{"single_current", Schema{Database: "mw", LowCardinality: true, TTL: true, RetentionDays: 90}},
		{"cluster_current", Schema{Database: "analytics", Cluster: "mw_cluster", LowCardinality: true, TTL: true, RetentionDays: 365}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(allDDL(tc.schema), ";\n\n") + ";\n"
			path := filepath.Join("testdata", "ddl_"+tc.name+".golden.sql")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("DDL differs from %s (go test -update rewrites it):\n%s", path, got)
			}
		})
	}
}

var engineRe = regexp.MustCompile(`(?m)ENGINE = (\w+)\((.*)\)$`)

func TestClusterDDL(t *testing.T) {
	s := Schema{Database: "analytics", Cluster: "mw_cluster", LowCardinality: true, TTL: true}
	distributed := map[string]string{}
	for _, stmt := range allDDL(s) {
		head := strings.SplitN(stmt, "(", 2)[0]
		if !strings.Contains(head, " ON CLUSTER mw_cluster") {
			t.Errorf("statement without ON CLUSTER: %s", head)
		}
		if strings.HasPrefix(stmt, "ALTER TABLE ") || strings.HasPrefix(stmt, "DROP TABLE ") {
			continue // ADD COLUMN and its Distributed table's recreation: checked to be ON CLUSTER above
		}
		name := strings.Fields(strings.SplitN(head, "IF NOT EXISTS ", 2)[1])[0]
		for _, m := range engineRe.FindAllStringSubmatch(stmt, -1) {
			engine, args := m[1], m[2]
			switch {
			case engine == "Distributed":
				distributed[name] = args
			case strings.HasPrefix(engine, "Replicated") && strings.HasSuffix(engine, "MergeTree"):
				wantPath := "'/clickhouse/tables/{shard}/analytics/" + name + "', '{replica}'"
				if !strings.HasPrefix(args, wantPath) {
					t.Errorf("%s: engine args %q, want them to start with %s", name, args, wantPath)
				}
			default:
				t.Errorf("%s: engine %s is neither Replicated nor Distributed", name, engine)
			}
		}
	}
	for table, key := range map[string]string{
		"mentions": "cityHash64(id)", "mentions_hourly": "rand()", "aspects_hourly": "rand()",
		"source_state": "cityHash64(source)", "alerts": "cityHash64(id)", "silences": "cityHash64(id)",
		"watermarks": "cityHash64(name)",
	} {
		want := "mw_cluster, analytics, " + table + ", " + key
		if got := distributed[table+"_all"]; got != want {
			t.Errorf("Distributed %s_all(%s), want (%s)", table, got, want)
		}
		if got := s.Read(table); got != table+"_all" {
			t.Errorf("Read(%s) = %s, want %s_all", table, got, table)
		}
	}
	// Materialized views read the local table on each node, so every
	// shard rolls up its own rows.
	for _, stmt := range allDDL(s) {
		if strings.HasPrefix(stmt, "CREATE MATERIALIZED VIEW") && !strings.Contains(stmt, "FROM mentions\n") {
			t.Errorf("view does not read the local mentions table:\n%s", stmt)
		}
	}
}

func TestSingleServerDDLUsesOnlyOldFeatures(t *testing.T) {
	s := Schema{Database: "default", RetentionDays: 30}
	for _, stmt := range allDDL(s) {
		for _, banned := range []string{"ON CLUSTER", "Replicated", "Distributed", "LowCardinality", "TTL",
			"DateTime64", "toStartOfInterval", "JSON"} {
			if strings.Contains(stmt, banned) {
				t.Errorf("18.16 DDL uses %s:\n%s", banned, stmt)
			}
		}
		if s.Read("mentions") != "mentions" {
			t.Error("single server reads from a Distributed table")
		}
	}
}

func TestDDLFeatureGates(t *testing.T) {
	for _, tc := range []struct {
		major, minor int
		lc, ttl      bool
	}{
		{18, 16, false, false}, {19, 5, false, false}, {19, 6, false, true}, {19, 17, false, true},
		{20, 1, true, true}, {24, 8, true, true},
	} {
		lc, ttl := ServerSupport(tc.major, tc.minor)
		if lc != tc.lc || ttl != tc.ttl {
			t.Errorf("ServerSupport(%d.%d) = %v, %v; want %v, %v", tc.major, tc.minor, lc, ttl, tc.lc, tc.ttl)
		}
	}
	s := Schema{Database: "d", LowCardinality: true, TTL: true, RetentionDays: 7}
	ddl := strings.Join(allDDL(s), "\n")
	if !strings.Contains(ddl, "brand LowCardinality(String)") || !strings.Contains(ddl, "aspects Array(LowCardinality(String))") {
		t.Error("LowCardinality not used where supported")
	}
	for _, want := range []string{"TTL published + toIntervalDay(7)", "TTL hour + toIntervalDay(7)"} {
		if !strings.Contains(ddl, want) {
			t.Errorf("DDL lacks %q", want)
		}
	}
	s.RetentionDays = 0
	if strings.Contains(strings.Join(allDDL(s), "\n"), "TTL") {
		t.Error("TTL without retention")
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{
		"analytics": "analytics", "mw_2": "mw_2", "my-db": "`my-db`", "2x": "`2x`", "a`b": "`a\\`b`",
	} {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}
