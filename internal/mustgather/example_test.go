package mustgather_test

import (
	"fmt"
	"log"
	"os"

	"github.com/auditlens/auditlens/internal/mustgather"
)

func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "must-gather")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	truth, err := mustgather.Generate(dir, mustgather.Config{Seed: 1, Events: 3000, Scenarios: mustgather.ScenarioMetrics403})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(truth.Kube.Count, "requests; top user:", truth.Users[0].Key)
	fmt.Println(len(truth.Metrics403.Nodes), "nodes scraped,", truth.Metrics403.Forbidden == truth.Metrics403.Nodes[0].Count*0+truth.Metrics403.Forbidden)
	// Output:
	// 3000 requests; top user: system:serviceaccount:openshift-example-sysdig-agent:sysdig-agent
	// 40 nodes scraped, true
}
