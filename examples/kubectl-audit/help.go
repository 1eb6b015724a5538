package main

import (
	_ "embed"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// The long explanations, printed by `help TOPIC` rather than on the first
// screen of --help.
var (
	//go:embed help/inputs.txt
	inputsHelp string
	//go:embed help/filters.txt
	filtersHelp string
	//go:embed help/views.txt
	viewsHelp string
	//go:embed help/exit-codes.txt
	exitCodesHelp string
)

// helpTopics are the topics of `help TOPIC`, by name.
var helpTopics = map[string]string{
	"inputs":     inputsHelp,
	"filters":    filtersHelp,
	"views":      viewsHelp,
	"exit-codes": exitCodesHelp,
}

// topicNames lists the help topics, sorted.
func topicNames() []string {
	var names []string
	for name := range helpTopics {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// displayName is the command's name in its help and messages: how it was
// invoked, "kubectl audit" as a kubectl plugin, "kubectl-audit" otherwise
// (main sets it; see invocationName).
var displayName = "kubectl-audit"

// invocationName is the command's name as invoked, from kubectl's
// KUBECTL_PLUGINS_CALLER (set when kubectl runs a plugin) and argv[0]:
// kubectl runs a plugin by its absolute path, where a shell passes the
// name as typed.
func invocationName(caller, argv0 string) string {
	if caller != "" || filepath.IsAbs(argv0) {
		return "kubectl audit"
	}
	return "kubectl-audit"
}

// newHelpCommand builds `help [COMMAND|TOPIC]`: a command's help, as
// cobra's help command, or a topic's text.
func newHelpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command | topic]",
		Short: "Help about a command, or a topic: " + strings.Join(topicNames(), ", "),
		Long:  "Help about a command (export, completion), or one of the topics: " + strings.Join(topicNames(), ", ") + ".",
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			names := topicNames()
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				if text, ok := helpTopics[args[0]]; ok {
					_, err := fmt.Fprint(c.OutOrStdout(), text)
					return err
				}
			}
			target, _, err := c.Root().Find(args)
			if err != nil || (len(args) > 0 && target == c.Root()) {
				return &usageError{msg: fmt.Sprintf("no help for %q: expected a command (export, completion) or a topic: %s", strings.Join(args, " "), strings.Join(topicNames(), ", "))}
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}
