package serve_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditlens/auditlens/serve"
)

func TestAccessCheck(t *testing.T) {
	tls := serve.Access{CertFile: "c", KeyFile: "k"}
	with := func(a serve.Access, addr string) serve.Access { a.Addr = addr; return a }
	for _, tc := range []struct {
		name     string
		a        serve.Access
		insecure bool
		fails    bool
	}{
		{name: "default", a: serve.Access{}},
		{name: "loopback", a: serve.Access{Addr: "127.0.0.1:9000"}},
		{name: "localhost", a: serve.Access{Addr: "localhost:9000"}},
		{name: "ipv6 loopback", a: serve.Access{Addr: "[::1]:9000"}},
		{name: "every address", a: serve.Access{Addr: "0.0.0.0:9000"}, insecure: true},
		{name: "no host", a: serve.Access{Addr: ":9000"}, insecure: true},
		{name: "tls alone", a: with(tls, "0.0.0.0:9000"), insecure: true},
		{name: "tls and an ingest token alone", a: serve.Access{Addr: "0.0.0.0:9000", CertFile: "c", KeyFile: "k", IngestTokenFile: "t"}, insecure: true},
		{name: "tokens without tls", a: serve.Access{Addr: "0.0.0.0:9000", IngestTokenFile: "t", QueryTokenFile: "t"}, insecure: true},
		{name: "tls and client certificates", a: serve.Access{Addr: "0.0.0.0:9000", CertFile: "c", KeyFile: "k", ClientCAFile: "ca"}},
		{name: "tls and tokens", a: serve.Access{Addr: "10.0.0.1:9000", CertFile: "c", KeyFile: "k", IngestTokenFile: "i", QueryTokenFile: "q"}},
		{name: "cert without key", a: serve.Access{CertFile: "c"}, fails: true},
		{name: "client ca without tls", a: serve.Access{ClientCAFile: "ca"}, fails: true},
		{name: "bad address", a: serve.Access{Addr: "nowhere"}, fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Check()
			switch {
			case tc.insecure && !errors.Is(err, serve.ErrInsecure):
				t.Fatalf("Check() = %v, want ErrInsecure", err)
			case tc.fails && (err == nil || errors.Is(err, serve.ErrInsecure)):
				t.Fatalf("Check() = %v, want another error", err)
			case !tc.insecure && !tc.fails && err != nil:
				t.Fatalf("Check() = %v", err)
			}
		})
	}
}

// pki is a CA, a server certificate for 127.0.0.1 and a client
// certificate, written as PEM files.
type pki struct {
	caFile, certFile, keyFile string
	pool                      *x509.CertPool
	client                    tls.Certificate
}

func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test ca"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, usage x509.ExtKeyUsage, k *ecdsa.PrivateKey) []byte {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "kube-apiserver"}, NotBefore: time.Now().Add(-time.Hour),
			NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	serverKey, clientKey := key(), key()
	p := pki{caFile: write("ca.crt", "CERTIFICATE", caDER), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.certFile = write("tls.crt", "CERTIFICATE", issue(2, x509.ExtKeyUsageServerAuth, serverKey))
	skDER, _ := x509.MarshalECPrivateKey(serverKey)
	p.keyFile = write("tls.key", "EC PRIVATE KEY", skDER)
	ckDER, _ := x509.MarshalECPrivateKey(clientKey)
	var err2 error
	p.client, err2 = tls.X509KeyPair(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: issue(3, x509.ExtKeyUsageClientAuth, clientKey)}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ckDER}))
	if err2 != nil {
		t.Fatal(err2)
	}
	return p
}

// TestAuthentication serves over TLS with client certificates and
// tokens: without credentials ingest and queries are refused (401), each
// token opens its own routes, a client certificate opens both.
func TestAuthentication(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	tokens := map[string]string{"ingest": "ingest-secret", "query": "query-secret"}
	for name, tok := range tokens {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a := serve.Access{Addr: "127.0.0.1:0", CertFile: p.certFile, KeyFile: p.keyFile, ClientCAFile: p.caFile,
		IngestTokenFile: filepath.Join(dir, "ingest"), QueryTokenFile: filepath.Join(dir, "query")}
	s, err := serve.New(serve.Config{Queries: []string{"o=stats"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go s.Run(ctx)
	go func() { served <- a.Serve(ctx, s, func(addr string) { addrc <- addr }) }()
	var base string
	select {
	case base = <-addrc:
	case err := <-served:
		t.Fatal(err)
	}
	base = "https://" + base
	client := func(cert bool) *http.Client {
		cfg := &tls.Config{RootCAs: p.pool}
		if cert {
			cfg.Certificates = []tls.Certificate{p.client}
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	}
	status := func(c *http.Client, method, path, token string) int {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(linesOf(t, 0, 10)))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	anon, withCert := client(false), client(true)
	for _, tc := range []struct {
		c            *http.Client
		method, path string
		token        string
		want         int
	}{
		{anon, "POST", "/audit", "", 401},
		{anon, "GET", "/query?o=stats", "", 401},
		{anon, "GET", "/metrics", "", 401},
		{anon, "GET", "/healthz", "", 200},
		{anon, "POST", "/audit", "wrong", 401},
		{anon, "POST", "/audit", tokens["query"], 401},
		{anon, "POST", "/audit", tokens["ingest"], 200},
		{anon, "GET", "/query?o=stats", tokens["ingest"], 401},
		{anon, "GET", "/query?o=stats", tokens["query"], 200},
		{withCert, "POST", "/audit", "", 200},
		{withCert, "GET", "/query?o=stats", "", 200},
	} {
		if got := status(tc.c, tc.method, tc.path, tc.token); got != tc.want {
			t.Errorf("%s %s (token %q, certificate %v): %d, want %d", tc.method, tc.path, tc.token, tc.c == withCert, got, tc.want)
		}
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
