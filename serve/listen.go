package serve

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// DefaultAddr is where a server listens unless told: loopback only.
const DefaultAddr = "127.0.0.1:8777"

// Access says where a server listens and whom it answers. A server
// receives every request of a cluster: on any address but loopback it
// needs TLS and a way to authenticate its clients, for ingest and for
// queries alike (client certificates signed by ClientCAFile, as the
// webhook's kubeconfig can present, or bearer tokens).
type Access struct {
	// Addr is host:port; "" is DefaultAddr.
	Addr string
	// CertFile and KeyFile are the server's TLS certificate and key.
	CertFile, KeyFile string
	// ClientCAFile holds the CAs whose client certificates are let in,
	// for ingest and queries.
	ClientCAFile string
	// IngestTokenFile and QueryTokenFile hold the bearer tokens that let
	// in POST /audit and the other routes (the same file may serve both).
	IngestTokenFile, QueryTokenFile string
}

// ErrInsecure is Check's error for an address beyond loopback without TLS
// or client authentication.
var ErrInsecure = errors.New("serve: refusing to listen beyond loopback without TLS and client authentication")

// isLoopback reports whether host names this machine alone.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Check says whether a can serve as given: an address beyond loopback
// needs a certificate and key, and client authentication for ingest and
// for queries.
func (a Access) Check() error {
	addr := a.addr()
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("serve: invalid address %q: %v", addr, err)
	}
	if (a.CertFile == "") != (a.KeyFile == "") {
		return errors.New("serve: --tls-cert and --tls-key go together")
	}
	if a.ClientCAFile != "" && a.CertFile == "" {
		return errors.New("serve: --client-ca needs TLS (--tls-cert and --tls-key)")
	}
	if isLoopback(host) {
		return nil
	}
	var missing []string
	if a.CertFile == "" {
		missing = append(missing, "TLS (--tls-cert, --tls-key)")
	}
	if a.ClientCAFile == "" && a.IngestTokenFile == "" {
		missing = append(missing, "authentication of ingest (--client-ca or --ingest-token-file)")
	}
	if a.ClientCAFile == "" && a.QueryTokenFile == "" {
		missing = append(missing, "authentication of queries (--client-ca or --query-token-file)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s listens on %s, which is not loopback, and lacks %s", ErrInsecure, "the server", addr, strings.Join(missing, " and "))
	}
	return nil
}

func (a Access) addr() string {
	if a.Addr == "" {
		return DefaultAddr
	}
	return a.Addr
}

// Serve serves s's Handler as a allows until ctx is done, then shuts the
// HTTP server down (waiting at most ten seconds for requests in flight).
// ready, when not nil, is called with the address listened on.
func (a Access) Serve(ctx context.Context, s *Server, ready func(addr string)) error {
	if err := a.Check(); err != nil {
		return err
	}
	ingest, err := a.allow(a.IngestTokenFile)
	if err != nil {
		return err
	}
	ask, err := a.allow(a.QueryTokenFile)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s.Handler(ingest, ask), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute}
	if a.CertFile != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		cert, err := tls.LoadX509KeyPair(a.CertFile, a.KeyFile)
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
		if a.ClientCAFile != "" {
			pem, err := os.ReadFile(a.ClientCAFile)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return fmt.Errorf("serve: no certificate in %s", a.ClientCAFile)
			}
			cfg.ClientCAs, cfg.ClientAuth = pool, tls.VerifyClientCertIfGiven
		}
		hs.TLSConfig = cfg
	}
	ln, err := net.Listen("tcp", a.addr())
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shut)
}

// allow returns the check of a route whose bearer token is in tokenFile
// (none: "" ), which also lets in verified client certificates. It is nil
// (everyone) when neither is configured, which Check allows on loopback
// alone.
func (a Access) allow(tokenFile string) (func(*http.Request) bool, error) {
	var token []byte
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		if token = []byte(strings.TrimSpace(string(b))); len(token) == 0 {
			return nil, fmt.Errorf("serve: %s holds no token", tokenFile)
		}
	}
	if token == nil && a.ClientCAFile == "" {
		return nil, nil
	}
	return func(r *http.Request) bool {
		if a.ClientCAFile != "" && r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
			return true
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && token != nil && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), token) == 1
	}, nil
}
