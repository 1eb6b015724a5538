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
	var allFields bool
	cmd := &cobra.Command{
		Use:   "history -f INPUT --resource=R [--namespace=NS] [--name=NAME] [flags]",
		Short: "Who changed an object, when, and what changed",
		Long: `Lists every write to the objects the filters keep (create, update, patch, delete,
deletecollection; writes to a subresource such as status or scale marked as such), in time order,
each request once: time, verb, object, user (and impersonator), user agent, source IP, status code
and auditID; failed writes are marked FAILED. Where the log kept bodies (the Request and
RequestResponse audit levels, OpenShift's WriteRequestBodies and AllRequestBodies profiles), each
write shows what it changed: RFC 6902 operations against the object's previous known state, and a
patch as it was sent. metadata.managedFields, resourceVersion, generation, uid, creationTimestamp
and status are left out unless --all-fields; a Secret's data and stringData values are never
printed (a token that changes with the value stands for each). A summary line ends the listing:
writes, writers, first and last, and the fields changed most often. --format=json writes one
object a write, with the diff as data.`,
		Example: `  kubectl audit history -f must-gather --resource=configmaps --namespace=shop --name=app-config
  kubectl audit history -f audit_logs/kube-apiserver --resource=deployments.apps --name=checkout --format=json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.answer(cmd.Context(), args, stdout, stderr, func(q query.Query, ctx context.Context) (*query.Result, error) {
				return q.History(ctx, allFields)
			})
		},
	}
	f := cmd.Flags()
	o.inputFlags(f)
	f.StringVar(&o.query.Format, "format", "text", "Encoding: text, or json (one object a write)")
	f.BoolVar(&allFields, "all-fields", false, "Also diff metadata.managedFields, resourceVersion, generation, uid, creationTimestamp and status")
	return cmd
}
