package api

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	secret, tok, err := CreateToken(ctx, tx, "张三", RoleHandler, "招商银行")
	if err != nil {
		t.Fatal(err)
	}
	got, err := AuthenticateToken(ctx, tx, secret)
	if err != nil || got.ID != tok.ID || got.Institution != "招商银行" || got.Role != RoleHandler {
		t.Fatalf("AuthenticateToken = %+v, %v", got, err)
	}
	var stored []byte
	if err := tx.QueryRow(ctx, "SELECT token_hash FROM api_tokens WHERE id = $1", tok.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if string(stored) == secret || len(stored) != 32 {
		t.Fatalf("token must be stored as a SHA-256 hash, got %d bytes", len(stored))
	}
	if _, err := AuthenticateToken(ctx, tx, secret+"x"); !errors.Is(err, ErrTokenNotFound) {
		t.Fatalf("wrong secret: err = %v", err)
	}
	if err := RevokeToken(ctx, tx, tok.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := AuthenticateToken(ctx, tx, secret); !errors.Is(err, ErrTokenNotFound) {
		t.Fatalf("revoked token still authenticates: %v", err)
	}
	if err := RevokeToken(ctx, tx, tok.ID, "test"); !errors.Is(err, ErrTokenNotFound) {
		t.Fatalf("second revoke: %v", err)
	}
	if _, _, err := CreateToken(ctx, tx, "李四", RoleStaff, "招商银行"); err == nil {
		t.Fatal("a staff token with an institution scope must be refused")
	}
	if _, _, err := CreateToken(ctx, tx, "", RoleStaff, ""); err == nil {
		t.Fatal("a token without a name must be refused")
	}
}

func TestRoleEnforcement(t *testing.T) {
	t.Parallel()
	s, ts := newTestServer(t)
	ctx := context.Background()
	tokens := map[Role]string{}
	for _, r := range Roles {
		secret, _, err := CreateToken(ctx, s.cfg.Pool, "user-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = secret
	}
	revoked, tok, _ := CreateToken(ctx, s.cfg.Pool, "gone", RoleAdmin, "")
	_ = RevokeToken(ctx, s.cfg.Pool, tok.ID, "test")

	cases := []struct {
		name  string
		token string
		want  int
	}{
		{"anonymous", "", http.StatusUnauthorized},
		{"malformed", "not-a-token", http.StatusUnauthorized},
		{"revoked", revoked, http.StatusUnauthorized},
		{"handler", tokens[RoleHandler], http.StatusForbidden},
		{"staff", tokens[RoleStaff], http.StatusForbidden},
		{"supervisor", tokens[RoleSupervisor], http.StatusForbidden},
		{"admin", tokens[RoleAdmin], http.StatusOK},
	}
	for _, c := range cases {
		if code, _ := doJSON(t, "GET", ts.URL+"/api/v1/admin/tokens", c.token, nil); code != c.want {
			t.Errorf("%s on admin tokens = %d, want %d", c.name, code, c.want)
		}
	}
	code, body := doJSON(t, "GET", ts.URL+"/api/v1/me", tokens[RoleHandler], nil)
	if code != 200 || body["role"] != "handler" {
		t.Fatalf("/me = %d %v", code, body)
	}
	code, body = doJSON(t, "POST", ts.URL+"/api/v1/admin/tokens", tokens[RoleAdmin], map[string]string{"name": "王五", "role": "boss"})
	if code != 400 {
		t.Fatalf("bad role = %d %v, want 400", code, body)
	}
}

func TestGracefulShutdownDrainsRequests(t *testing.T) {
	t.Parallel()
	_, pool := dbtest.NewDB(t)
	s, err := NewServer(Config{Pool: pool, Logger: quietLog, Addr: "127.0.0.1:0", ShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s.mux.HandleFunc("GET /test/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(500 * time.Millisecond)
		writeJSON(w, 200, map[string]string{"done": "yes"})
	})
	// http.Server runs shutdown hooks on goroutines of their own.
	hookRan := make(chan struct{})
	s.OnShutdown(func() { close(hookRan) })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr()
	var wg sync.WaitGroup
	var slowCode int
	wg.Add(1)
	go func() {
		defer wg.Done()
		slowCode, _ = doJSON(t, "GET", base+"/test/slow", "", nil)
	}()
	<-started
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if slowCode != 200 {
		t.Fatalf("in-flight request got %d, want it drained with 200", slowCode)
	}
	select {
	case <-hookRan:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown hooks (websocket going-away) did not run")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still accepts connections after Close")
	}
}
