package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/query"
)

// fixedValues are the values of the flags that take one of a few words,
// for shell completion.
var fixedValues = map[string][]string{
	"format":                {"text", "json", "csv"},
	"sort":                  {"count", "p99", "max", "mean"},
	"stage":                 {"RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"},
	"level":                 {"None", "Metadata", "Request", "RequestResponse"},
	"server":                {"kube-apiserver", "openshift-apiserver", "oauth-apiserver", "oauth-server"},
	"decision":              {"allow", "forbid"},
	"podsecurityviolations": {"pod", "all"},
}

// addCompletions makes `completion bash|zsh|fish|powershell` print the
// shell's completion script (cobra's), and completes -o with the views,
// --by with the keys (after a comma too, for a composite key), the flags
// of a few words with them, and -f, --artifact-dir and the arguments with
// file names.
func addCompletions(cmd *cobra.Command) {
	cmd.CompletionOptions.DisableDefaultCmd = false
	cmd.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveDefault // file names
	}
	f := cmd.Flags()
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var views []string
		for _, name := range query.Outputs() {
			if name != "" {
				views = append(views, name)
			}
		}
		return views, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("by", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		prefix := ""
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			prefix = toComplete[:i+1]
		}
		var keys []string
		for _, k := range append(aggregate.KeyNames(), "time") {
			keys = append(keys, prefix+k)
		}
		return keys, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
	for name, values := range fixedValues {
		if f.Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	_ = cmd.MarkFlagFilename("filename")
	_ = cmd.MarkFlagDirname("artifact-dir")
	_ = cmd.MarkFlagFilename("cpuprofile")
	_ = cmd.MarkFlagFilename("memprofile")
}
