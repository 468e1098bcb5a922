package graphrpc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

// testPKI writes a CA, a server certificate for 127.0.0.1 and a client certificate into
// dir, and returns the CA pool and the client's key pair.
func testPKI(t *testing.T, dir string) (*x509.CertPool, tls.Certificate) {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, kind string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	caKey := key()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "go client test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)
	issue := func(name string, serial int64, usage x509.ExtKeyUsage, ips []net.IP) ([]byte, *ecdsa.PrivateKey) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, k
	}
	serverDER, serverKey := issue("graphrpc", 2, x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")})
	clientDER, clientKey := issue("go-client", 3, x509.ExtKeyUsageClientAuth, nil)
	marshal := func(k *ecdsa.PrivateKey) []byte {
		b, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	write("ca.pem", "CERTIFICATE", caDER)
	write("server.pem", "CERTIFICATE", serverDER)
	write("server.key", "PRIVATE KEY", marshal(serverKey))
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return pool, tls.Certificate{Certificate: [][]byte{clientDER}, PrivateKey: clientKey}
}

// Over TLS with a client certificate (mutual TLS): the client trusts the private CA and
// presents its certificate; without one, or without trusting the CA, it cannot connect.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	roots, cert := testPKI(t, dir)
	endpoint := ownServer(t, "GRAPHRPC_TLS_CERT_FILE="+filepath.Join(dir, "server.pem"),
		"GRAPHRPC_TLS_KEY_FILE="+filepath.Join(dir, "server.key"), "GRAPHRPC_TLS_CLIENT_CA_FILE="+filepath.Join(dir, "ca.pem"))
	host := endpoint[len("http://"):]
	run := func(cfg *tls.Config) error {
		c, err := graphrpc.Dial("https://"+host, graphrpc.WithTLS(cfg))
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Run(ctxFor(t, 30*time.Second), "RETURN 1 AS one", nil)
		return err
	}
	if err := run(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}); err != nil {
		t.Fatalf("mutual TLS: %v", err)
	}
	assertCode(t, run(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}), codes.Unavailable)
	assertCode(t, run(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), codes.Unavailable)
}
