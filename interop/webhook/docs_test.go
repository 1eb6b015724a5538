package webhook

import (
	"bytes"
	"os"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdv1 "k8s.io/client-go/tools/clientcmd/api/v1"
	"sigs.k8s.io/yaml"
)

// strict decodes a YAML document into v, refusing unknown fields.
func strict(t *testing.T, name string, doc []byte, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestDocsDecodeStrictly decodes the files of docs/serve with the
// Kubernetes types, refusing unknown fields: the webhook kubeconfig, the
// audit policy and the manifests.
func TestDocsDecodeStrictly(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("../../docs/serve/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	kc := read("webhook-kubeconfig.yaml")
	var cfg clientcmdv1.Config
	strict(t, "webhook-kubeconfig.yaml", kc, &cfg)
	loaded, err := clientcmd.Load(kc)
	if err != nil {
		t.Fatal(err)
	}
	cluster := loaded.Clusters[loaded.Contexts[loaded.CurrentContext].Cluster]
	if cluster == nil || !strings.Contains(cluster.Server, "/audit") || !strings.HasPrefix(cluster.Server, "https://") {
		t.Fatalf("the kubeconfig's server should be an https URL of /audit: %+v", cluster)
	}
	if u := loaded.AuthInfos[loaded.Contexts[loaded.CurrentContext].AuthInfo]; u == nil || u.ClientCertificate == "" || u.ClientKey == "" {
		t.Fatalf("the API server should present a client certificate: %+v", u)
	}

	var policy auditv1.Policy
	strict(t, "audit-policy.yaml", read("audit-policy.yaml"), &policy)
	if policy.Kind != "Policy" || len(policy.Rules) == 0 {
		t.Fatalf("audit-policy.yaml: %+v", policy)
	}
	for _, r := range policy.Rules {
		if r.Level == auditv1.LevelRequest || r.Level == auditv1.LevelRequestResponse {
			t.Errorf("the policy records bodies (%s): the server needs none", r.Level)
		}
	}

	kinds := map[string]int{}
	for i, doc := range bytes.Split(read("auditlens.yaml"), []byte("\n---\n")) {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		kinds[meta.Kind]++
		var v any
		switch meta.Kind {
		case "Namespace":
			v = new(corev1.Namespace)
		case "Secret":
			v = new(corev1.Secret)
		case "PersistentVolumeClaim":
			v = new(corev1.PersistentVolumeClaim)
		case "Service":
			v = new(corev1.Service)
		case "Deployment":
			d := new(appsv1.Deployment)
			strict(t, "auditlens.yaml: Deployment", doc, d)
			args := strings.Join(d.Spec.Template.Spec.Containers[0].Args, " ")
			for _, want := range []string{"serve", "--tls-cert=", "--tls-key=", "--client-ca=", "--query-token-file=", "--parquet="} {
				if !strings.Contains(args, want) {
					t.Errorf("the Deployment's args lack %s: %s", want, args)
				}
			}
			continue
		default:
			t.Fatalf("document %d: unexpected kind %q", i, meta.Kind)
		}
		strict(t, "auditlens.yaml: "+meta.Kind, doc, v)
	}
	for _, k := range []string{"Namespace", "Secret", "PersistentVolumeClaim", "Deployment", "Service"} {
		if kinds[k] == 0 {
			t.Errorf("auditlens.yaml has no %s", k)
		}
	}
}
