package format_test

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/auditlens/auditlens/aggregate"
	"github.com/auditlens/auditlens/format"
)

func ExampleWriteHTML() {
	key, _ := aggregate.KeyByName("user")
	users := aggregate.NewCount(key)
	sum := aggregate.NewSummary()
	for _, l := range lines {
		e := entry(l)
		users.Add(e)
		sum.Add(e)
	}
	var page bytes.Buffer
	if err := format.WriteHTML(&page, format.HTMLReport{
		Filter:  "--stage=ResponseComplete",
		Summary: sum.Result(),
		Tops:    []aggregate.CountResult{users.Result(10)},
	}); err != nil {
		fmt.Println(err)
		return
	}
	// Print the headings and the rows of the page.
	sc := bufio.NewScanner(&page)
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, "<h1") || strings.HasPrefix(l, "<h2") || strings.HasPrefix(l, "<h3") || strings.HasPrefix(l, "<tr><td") {
			fmt.Println(l)
		}
	}
	// Output:
	// <h1>Audit log report</h1>
	// <h2 id="summary">Summary</h2>
	// <h2 id="top">Top</h2>
	// <h3>Top 2 by user <span class="muted">(2 distinct, 3 requests)</span></h3>
	// <tr><td class="n">2</td><td class="bar"><span style="width:100%"></span></td><td class="k">sysdig</td></tr>
	// <tr><td class="n">1</td><td class="bar"><span style="width:50%"></span></td><td class="k">alice\x1b[2J</td></tr>
}
