package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/triage"
)

func newClassifyEnv(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	pool := dbtest.Pool(t)
	c, err := triage.LoadClassifier(triage.ClassifierConfig{})
	if err != nil {
		t.Fatal(err)
	}
	tri, err := triage.NewService(triage.ServiceConfig{Pool: pool, Classifier: c})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(Config{Pool: pool, Triage: tri, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	secret, _, err := CreateToken(context.Background(), pool, "classify-test", RoleStaff, "")
	if err != nil {
		t.Fatal(err)
	}
	return ts, secret
}

func postClassify(t *testing.T, ts *httptest.Server, token, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/triage/classify", strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	return resp, out
}

func TestClassifyEndpoint(t *testing.T) {
	t.Parallel()
	ts, token := newClassifyEnv(t)

	resp, out := postClassify(t, ts, token, `{"text":"招行信用卡乱扣年费两万三，要求退款","received_at":"2026-11-23T10:00:00+08:00"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %v", resp.StatusCode, out)
	}
	if out["intent"] != "complaint" || out["product"] != "credit_card" || out["institution"] != "招商银行" || out["amount_yuan"] != 23000.0 {
		t.Errorf("classification = %v", out)
	}
	for _, k := range []string{"product_confidence", "reason", "reason_confidence", "flags", "demands", "needs_review", "engine"} {
		if _, ok := out[k]; !ok {
			t.Errorf("response lacks %q: %v", k, out)
		}
	}

	// Odd but valid text is classified, cautiously.
	resp, out = postClassify(t, ts, token, `{"text":"😡😡😡"}`)
	if resp.StatusCode != http.StatusOK || out["needs_review"] != true {
		t.Errorf("emoji-only: status %d, %v; want 200 and needs_review", resp.StatusCode, out)
	}
}

func TestClassifyEndpointRejectsBadRequests(t *testing.T) {
	t.Parallel()
	ts, token := newClassifyEnv(t)
	cases := map[string]struct {
		token, body string
		status      int
	}{
		"no token":        {"", `{"text":"年费"}`, http.StatusUnauthorized},
		"not JSON":        {token, `text=年费`, http.StatusBadRequest},
		"empty body":      {token, ``, http.StatusBadRequest},
		"no text":         {token, `{"txt":"年费"}`, http.StatusBadRequest},
		"text not string": {token, `{"text":42}`, http.StatusBadRequest},
		"too long":        {token, `{"text":"` + strings.Repeat("钱", maxClassifyRunes+1) + `"}`, http.StatusBadRequest},
		"bad time":        {token, `{"text":"年费","received_at":"yesterday"}`, http.StatusBadRequest},
	}
	for name, c := range cases {
		resp, out := postClassify(t, ts, c.token, c.body)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d (%v)", name, resp.StatusCode, c.status, out)
		}
		if _, ok := out["error"]; !ok {
			t.Errorf("%s: no error object in %v", name, out)
		}
	}
}
