package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// versionString is what `version` and `--version` print: the linker-set
// version (or the module version of a `go install`), then the VCS revision
// and commit time Go records in a build from a checkout, and "modified"
// when the tree had uncommitted changes.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	return describeBuild(version, info)
}

func describeBuild(linked string, info *debug.BuildInfo) string {
	v := linked
	if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	var rev, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var extra []string
	if rev != "" {
		extra = append(extra, "rev "+rev[:min(12, len(rev))])
	}
	if at != "" {
		extra = append(extra, "committed "+at)
	}
	if modified == "true" {
		extra = append(extra, "modified")
	}
	if info.GoVersion != "" {
		extra = append(extra, info.GoVersion)
	}
	if len(extra) == 0 {
		return v
	}
	return fmt.Sprintf("%s (%s)", v, strings.Join(extra, ", "))
}
