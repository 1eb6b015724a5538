package main

import (
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/filter"
)

// answerKind is the shape of a question's output, which decides how its
// answer is read back and compared.
type answerKind int

const (
	// kindTop is a summary line and "Nx key" rows (-o top --by=user...).
	kindTop answerKind = iota
	// kindGrouped is a summary line and the --by=verb sections.
	kindGrouped
	// kindListing is one line per event (no -o), too long to compare line
	// by line: it is compared by line count and an order-free hash.
	kindListing
	// kindFindings is the findings view (every findings detector at
	// once): measured, not compared (the reference has none).
	kindFindings
	// kindReport is the HTML report (-o html): measured, not compared (the
	// naive baseline has no such view).
	kindReport
	// kindCompare is compare, the input against itself as the baseline:
	// measured against reading it twice with --by=user -otop (issue 22),
	// not compared.
	kindCompare
)

// question is one of the support lab's commands, asked of the
// kube-apiserver logs.
type question struct {
	// name names the question in case names and file names.
	name string
	kind answerKind
	// by is the --by key (user, resource, verb), "" for a listing.
	by string
	// users, resources and verbs are the filter flags' values, codes the
	// --http-status-code values.
	users, resources, verbs, codes []string
	// where, when set, is the question's users and codes asked as one
	// --where expression instead of flags (the naive baseline still reads
	// users and codes, so that both askings have one answer).
	where string
}

// top is N of -o top; the lab uses the default, 10.
const top = 10

// stage is the reference's default --stage: each request counts once.
const stage = "ResponseComplete"

// labQuestions returns the lab's questions, culprit being the user the
// metrics-403 storm exposes.
func labQuestions(culprit string) []question {
	return []question{
		{name: "by-user", kind: kindTop, by: "user"},
		{name: "by-resource", kind: kindTop, by: "resource"},
		{name: "nodes-by-user", kind: kindTop, by: "user", resources: []string{"nodes"}},
		{name: "culprit-by-verb", kind: kindGrouped, by: "verb", users: []string{culprit}},
		{name: "get-listing", kind: kindListing, verbs: []string{"get"},
			resources: []string{"*.*", "-subjectaccessreviews.*", "-tokenreviews.*"}},
		// The culprit's 403s by verb, with flags and with --where (issue
		// 14: the expression at most 1.2x the flags).
		{name: "culprit-403", kind: kindGrouped, by: "verb", users: []string{culprit}, codes: []string{"403"}},
		{name: "culprit-403-where", kind: kindGrouped, by: "verb", users: []string{culprit}, codes: []string{"403"},
			where: "user.username == '" + culprit + "' && responseStatus.code == 403"},
		// The grouped view and the HTML report on the whole set, whose
		// gets and watches of single objects make many small groups.
		{name: "grouped", kind: kindGrouped, by: "verb"},
		{name: "html", kind: kindReport},
		// Every findings detector at once (issue 11: at most 1.5x
		// by-user).
		{name: findingsCase, kind: kindFindings},
		// Both inputs of a comparison read, findings and all (issue 22:
		// at most 1.2x reading them one after the other with by-user).
		{name: compareCase, kind: kindCompare, by: "user"},
	}
}

// flags returns the question's filter flags, with the CLI's default stage.
func (q question) flags() filter.Flags {
	f := filter.Flags{Stages: []string{stage}, Verbs: q.verbs, Resources: q.resources}
	if q.where != "" {
		f.Where = []string{q.where}
	} else {
		f.Users, f.HTTPStatusCodes = q.users, q.codes
	}
	return f
}

// findingsCase is the case that runs every findings detector.
const findingsCase = "findings"

// compareCase is the case that compares the input with itself.
const compareCase = "compare"

// compared reports whether the question's answer is compared with the
// naive baseline's.
func (q question) compared() bool {
	return q.kind != kindReport && q.kind != kindFindings && q.kind != kindCompare
}

// cliArgs returns the question as examples/kubectl-audit arguments around
// the input dir: the reference's own syntax, as the lab types it.
func (q question) cliArgs(dir string) []string {
	if q.kind == kindCompare {
		return []string{"compare", "--baseline=" + dir, "-f", dir, "--by=" + q.by}
	}
	args := []string{"-f", dir}
	for _, v := range q.verbs {
		args = append(args, "--verb="+v)
	}
	if q.where != "" {
		args = append(args, "--where="+q.where)
	} else {
		for _, u := range q.users {
			args = append(args, "--user="+u)
		}
		for _, c := range q.codes {
			args = append(args, "--http-status-code="+c)
		}
	}
	for _, r := range q.resources {
		args = append(args, "--resource="+r)
	}
	if q.by != "" {
		args = append(args, "--by="+q.by, "-otop")
	}
	if q.kind == kindFindings {
		args = append(args, "-o", "findings")
	}
	if q.kind == kindReport {
		args = append(args, "-o", "html")
	}
	return args
}

// String is the question as the lab would type it.
func (q question) String() string {
	return "kubectl-audit " + strings.Join(q.cliArgs("DIR"), " ")
}

// findQuestion returns the question named name.
func findQuestion(qs []question, name string) (question, error) {
	for _, q := range qs {
		if q.name == name {
			return q, nil
		}
	}
	return question{}, fmt.Errorf("unknown question %q", name)
}
