package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

// quietLog keeps test output to failures; set XIAOBAO_TEST_LOG=1 to see logs.
var quietLog = func() *slog.Logger {
	if os.Getenv("XIAOBAO_TEST_LOG") != "" {
		return slog.Default()
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}()

func newTestServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	_, pool := dbtest.NewDB(t)
	s, err := NewServer(Config{Pool: pool, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

func doJSON(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	_, ts := newTestServer(t)
	if code, _ := doJSON(t, "GET", ts.URL+"/healthz", "", nil); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if code, body := doJSON(t, "GET", ts.URL+"/readyz", "", nil); code != 200 {
		t.Fatalf("readyz = %d %v", code, body)
	}
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, resp.Body)
	if !strings.Contains(buf.String(), "xiaobao_http_requests_total") {
		t.Fatalf("metrics lack request counter")
	}
}

func TestReadinessFollowsDatabase(t *testing.T) {
	t.Parallel()
	dbURL, _ := dbtest.NewDB(t)
	proxy, viaProxy := dbtest.NewProxy(t, dbURL)
	pool, err := dbtest.OpenPool(context.Background(), viaProxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s, err := NewServer(Config{Pool: pool, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	if code, _ := doJSON(t, "GET", ts.URL+"/readyz", "", nil); code != 200 {
		t.Fatalf("readyz before outage = %d", code)
	}
	proxy.Cut()
	code, body := doJSON(t, "GET", ts.URL+"/readyz", "", nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(body["reason"].(string), "database") {
		t.Fatalf("readyz during outage = %d %v, want 503 naming the database", code, body)
	}
	if code, _ := doJSON(t, "GET", ts.URL+"/healthz", "", nil); code != 200 {
		t.Fatalf("healthz must not depend on the database, got %d", code)
	}
	proxy.Restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ = doJSON(t, "GET", ts.URL+"/readyz", "", nil)
		if code == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != 200 {
		t.Fatalf("readyz after the database returned = %d", code)
	}
}

func TestReadinessReportsPendingMigrations(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t)
	if _, err := s.cfg.Pool.Exec(context.Background(), "UPDATE schema_version SET version = version - 1"); err != nil {
		t.Fatal(err)
	}
	code, body := doJSON(t, "GET", ts.URL+"/readyz", "", nil)
	if code != 503 || !strings.Contains(body["reason"].(string), "xiaobao migrate") {
		t.Fatalf("readyz with an old schema = %d %v", code, body)
	}
}
