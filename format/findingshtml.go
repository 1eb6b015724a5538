package format

import (
	"github.com/auditlens/auditlens/findings"
)

// htmlFindings is the findings section of the HTML page, every value
// formatted (and sanitized; the template escapes it).
type htmlFindings struct {
	Header string
	// Top is the top-causes table, a line per finding.
	Top   []topCause
	Notes []string
	Items []htmlFinding
}

type htmlFinding struct {
	// GroupTitle heads the first finding of a group; "" for the others.
	GroupTitle string
	// Load is the server time of the finding (findingLoad).
	Load                    string
	Rank                    int
	Severity, ID, Subject   string
	Title, Summary, Numbers string
	ShareOf, Command        string
	Rows                    []htmlEvidence
	More                    int
	Rules                   []string
	// RBACYAML is the finding's apply-ready RBAC, for a copyable block.
	RBACYAML string
}

type htmlEvidence struct {
	Count                      int64
	Share, Status, First, Last string
	What, Offender, Numbers    string
	Samples                    []string
	Command, SamplesCommand    string
}

// newHTMLFindings formats a findings result for the page.
func newHTMLFindings(r findings.Result) *htmlFindings {
	layout := rowTimeLayout(r)
	hf := &htmlFindings{Header: findingsHeader(r), Top: topCauses(r)}
	for _, d := range r.Dropped {
		hf.Notes = append(hf.Notes, droppedNote(d)+".")
	}
	for i, f := range r.Findings {
		item := htmlFinding{Rank: i + 1, Severity: f.Severity.String(), ID: f.ID, Subject: Sanitize(f.Subject),
			Title: f.Title, Summary: Sanitize(f.Summary), Numbers: numbersText(f.Numbers), ShareOf: f.ShareOf,
			Command: Sanitize(f.Command), More: f.MoreRows, Load: findingLoad(f, r.ServerSeconds), RBACYAML: sanitizeLines(f.RBACYAML)}
		if i == 0 || f.Group != r.Findings[i-1].Group {
			item.GroupTitle = findingsGroupTitle(f.Group)
		}
		for _, row := range f.Rows {
			ev := htmlEvidence{Count: row.Count, Share: sharePercent(row.Share), Status: StatusMix(row.Status),
				First: rowTime(row.First, layout), Last: rowTime(row.Last, layout), What: Sanitize(row.What),
				Offender: Sanitize(row.Offender), Numbers: numbersText(row.Numbers), SamplesCommand: Sanitize(row.SamplesCommand)}
			for _, s := range row.Samples {
				ev.Samples = append(ev.Samples, Sanitize(s))
			}
			if row.Command != f.Command {
				ev.Command = Sanitize(row.Command)
			}
			item.Rows = append(item.Rows, ev)
		}
		for _, rule := range f.Rules {
			item.Rules = append(item.Rules, ruleText(rule))
		}
		hf.Items = append(hf.Items, item)
	}
	return hf
}
