package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/auditlens/auditlens/export"
	"github.com/auditlens/auditlens/query"
)

// The help's long description and examples are text files, as they are
// printed.
var (
	//go:embed help/examples.txt
	examples string
	//go:embed help/long.txt
	long string
)

// options are the command's flag values: the query's, the export's, and
// the command's own.
type options struct {
	query      query.Query
	exportTo   string
	export     export.Options
	verbose    bool
	cpuProfile string
	memProfile string
	// allowPartial makes a partial answer exit 0 rather than 3.
	allowPartial bool
}

// run runs the command with args (without the program name) and returns
// its exit status.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext runs the command until ctx is done: then the readers stop,
// what had been read is reported, and the status is 130 for an interrupt
// and 143 for a termination (see interrupted).
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &options{}
	cmd := newCommand(o, stdout, stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	if sig, ok := interrupted(ctx, err); ok {
		return 128 + sig
	}
	fmt.Fprintf(stderr, "error: %s\n", sentence(err.Error()))
	code := statusOf(err)
	if code == exitUsage {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", displayName)
	}
	return code
}

// sentence makes an error message one sentence: it ends with a period.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" || strings.HasSuffix(msg, ".") {
		return msg
	}
	return msg + "."
}

// newCommand builds the cobra command that fills o.
func newCommand(o *options, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "kubectl-audit -f PATH [flags]",
		Short:         "Analyse Kubernetes and OpenShift API-server audit logs",
		Long:          strings.ReplaceAll(long, "kubectl-audit", displayName),
		Example:       strings.ReplaceAll(strings.TrimRight(examples, "\n"), "kubectl audit ", displayName+" "),
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: displayName},
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if !c.Flags().Changed("bucket") {
				o.query.Bucket = "" // the default: not given, so not warned about
			}
			return o.run(c.Context(), args, stdout, stderr)
		},
	}
	cmd.AddCommand(newExportCommand(o, stdout, stderr), newCompareCommand(o, stdout, stderr), newHistoryCommand(o, stdout, stderr), newServeCommand(o, stdout, stderr))
	cmd.SetHelpCommand(newHelpCommand())
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{msg: err.Error()}
	})

	f := cmd.Flags()
	q := &o.query
	o.inputFlags(f)
	q.ViewFlags(f)
	baselineFlags(f, &q.Baseline)
	f.Bool("version", false, "Print the module version and VCS revision this program was built from")
	addCompletions(cmd)
	return cmd
}

// inputFlags defines the flags that say what to read and keep, which the
// command and its subcommands share: the query's (query.Query.InputFlags)
// and the command's own.
func (o *options) inputFlags(f *pflag.FlagSet) {
	o.query.InputFlags(f)
	f.BoolVar(&o.allowPartial, "allow-partial", false, "Exit 0 rather than 3 when the answer is partial: part of the input could not be read or evaluated (the read report says what)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "Report every kind of unreadable input and skipped file, with all kept samples")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "Write a CPU profile of the run to this file (for go tool pprof)")
	_ = f.MarkHidden("cpuprofile")
	f.StringVar(&o.memProfile, "memprofile", "", "Write a profile of the run's allocations to this file (for go tool pprof)")
	_ = f.MarkHidden("memprofile")
}

// usageError is a command line cobra or the command itself cannot use:
// exit status 2, as for a *query.Error.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
