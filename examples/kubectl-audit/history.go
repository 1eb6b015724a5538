package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/auditlens/auditlens/query"
)

// newHistoryCommand builds `kubectl-audit history`, which lists who
// changed an object, when, and what changed (see query.Query.History).
func newHistoryCommand(o *options, stdout, stderr io.Writer) *cobra.Command {
	var hopts query.HistoryOptions
	var diff string
	cmd := &cobra.Command{
		Use:   "history -f INPUT --resource=R [--namespace=NS] [--name=NAME] [flags]",
		Short: "Who changed an object, when, and what changed",
		Long: `Lists every write to the objects the filters keep (create, update, patch, delete,
deletecollection; writes to a subresource such as status or scale marked as such), in time order,
each request once: time, verb, object, user (and impersonator), user agent, source IP, status code
and auditID; failed writes are marked FAILED. Where the log kept bodies (the Request and
RequestResponse audit levels, OpenShift's WriteRequestBodies and AllRequestBodies profiles), each
write shows what it changed: RFC 6902 operations against the object's previous known state (or,
with --diff=unified, a unified diff of its YAML), and a patch as it was sent. metadata.managedFields, resourceVersion, generation, uid, creationTimestamp
and status are left out unless --all-fields; a Secret's data and stringData values are never
printed (a token that changes with the value stands for each). A summary line ends the listing:
writes, writers, first and last, and the fields changed most often. --format=json writes one
object a write, with the diff as data.`,
		Example: `  kubectl audit history -f must-gather --resource=configmaps --namespace=shop --name=app-config
  kubectl audit history -f audit_logs/kube-apiserver --resource=deployments.apps --name=checkout --format=json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.answer(cmd.Context(), args, stdout, stderr, func(q query.Query, ctx context.Context) (*query.Result, error) {
				switch diff {
				case "", "rfc6902":
				case "unified":
					hopts.Unified = true
				default:
					return nil, &usageError{msg: "invalid --diff value \"" + diff + "\": expected rfc6902 or unified"}
				}
				return q.History(ctx, hopts)
			})
		},
	}
	f := cmd.Flags()
	o.inputFlags(f)
	f.StringVar(&o.query.Format, "format", "text", "Encoding: text, json (one object a write) or html (one page)")
	f.StringVar(&diff, "diff", "rfc6902", "How a change is shown in text: rfc6902 (JSON patch operations) or unified (a unified diff of the object's YAML; --format=json carries both)")
	f.BoolVar(&hopts.AllFields, "all-fields", false, "Also diff metadata.managedFields, resourceVersion, generation, uid, creationTimestamp and status")
	return cmd
}
