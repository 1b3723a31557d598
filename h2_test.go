package cryptopay

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// HTTP/2 frame types, flags and error codes (RFC 9113) the raw server uses.
const (
	h2Data          = 0x0
	h2Headers       = 0x1
	h2RSTStream     = 0x3
	h2Settings      = 0x4
	h2GoAway        = 0x7
	h2FlagEnd       = 0x1 // END_STREAM on HEADERS and DATA, ACK on SETTINGS
	h2FlagHeaders   = 0x4 // END_HEADERS
	h2NoError       = 0x0
	h2ProtocolErr   = 0x1
	h2RefusedErr    = 0x7
	h2ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
)

// rawH2 is an HTTP/2 server over TLS (ALPN "h2") written frame by frame, so
// that it can do what net/http's server cannot do from a handler: read a
// whole request and then reset its stream with PROTOCOL_ERROR or
// REFUSED_STREAM, or answer it with GOAWAY. Go's HTTP/2 transport resends a
// request after those when it can rewind the body (Request.GetBody).
//
// The first request gets fault; any later one is answered 400
// {"error":"foreign id already taken"}, as a provider answers a resent
// withdrawal. No HPACK is needed: requests are counted, not decoded, and
// ":status: 400" is entry 12 of the static table.
type rawH2 struct {
	URL      string
	pool     *x509.CertPool // trusts the server's certificate
	requests atomic.Int32   // HEADERS frames that opened a stream
	fault    func(w io.Writer, stream uint32) error

	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

// startRawH2 serves fault on loopback until the test ends.
func startRawH2(t *testing.T, fault func(w io.Writer, stream uint32) error) *rawH2 {
	t.Helper()
	cert, pool := testCertificate(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	s := &rawH2{URL: "https://" + ln.Addr().String(), pool: pool, fault: fault, ln: ln}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// testCertificate is httptest's certificate for 127.0.0.1 and a pool that
// trusts it.
func testCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv.TLS.Certificates[0], pool
}

func (s *rawH2) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

// serve reads the client preface and frames; once a request is complete
// (END_STREAM on its HEADERS or DATA) it answers it.
func (s *rawH2) serve(c net.Conn) error {
	preface := make([]byte, len(h2ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != h2ClientPreface {
		return errors.New("no HTTP/2 preface")
	}
	if err := writeFrame(c, h2Settings, 0, 0, nil); err != nil {
		return err
	}
	hdr := make([]byte, 9)
	for {
		if _, err := io.ReadFull(c, hdr); err != nil {
			return err
		}
		size := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags, stream := hdr[3], hdr[4], binary.BigEndian.Uint32(hdr[5:])&(1<<31-1)
		if _, err := io.CopyN(io.Discard, c, int64(size)); err != nil {
			return err
		}
		var err error
		switch {
		case typ == h2Settings && flags&h2FlagEnd == 0:
			err = writeFrame(c, h2Settings, h2FlagEnd, 0, nil) // ACK
		case typ == h2Headers:
			s.requests.Add(1)
			fallthrough
		case typ == h2Data:
			if flags&h2FlagEnd != 0 {
				err = s.answer(c, stream)
			}
		}
		if err != nil {
			return err
		}
	}
}

// answer applies the fault to the first request and refuses later ones.
func (s *rawH2) answer(w io.Writer, stream uint32) error {
	if s.requests.Load() == 1 {
		return s.fault(w, stream)
	}
	if err := writeFrame(w, h2Headers, h2FlagHeaders, stream, []byte{0x80 | 12}); err != nil { // :status: 400
		return err
	}
	return writeFrame(w, h2Data, h2FlagEnd, stream, []byte(`{"error":"foreign id already taken"}`))
}

// resetStream is a fault: RST_STREAM with code.
func resetStream(code uint32) func(io.Writer, uint32) error {
	return func(w io.Writer, stream uint32) error {
		return writeFrame(w, h2RSTStream, 0, stream, binary.BigEndian.AppendUint32(nil, code))
	}
}

// goAwayUnprocessed is a fault: GOAWAY saying that no stream was processed.
func goAwayUnprocessed(w io.Writer, _ uint32) error {
	payload := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 0), h2NoError)
	return writeFrame(w, h2GoAway, 0, 0, payload)
}

func writeFrame(w io.Writer, typ, flags byte, stream uint32, payload []byte) error {
	n := len(payload)
	frame := append([]byte{byte(n >> 16), byte(n >> 8), byte(n), typ, flags}, binary.BigEndian.AppendUint32(nil, stream)...)
	_, err := w.Write(append(frame, payload...))
	return err
}
