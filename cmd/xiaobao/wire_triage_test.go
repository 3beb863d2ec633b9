package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
	"github.com/xiaobao-cn/xiaobao/triage"
)

// TestTriageModelSetting serves a model file named by XIAOBAO_TRIAGE_MODEL
// (as `triage train --with-corrections --out` writes one) and refuses a bad
// one with a message naming the setting.
func TestTriageModelSetting(t *testing.T) {
	t.Parallel()
	_, pool := dbtest.NewDB(t)
	dir := t.TempDir()

	model, err := triage.EmbeddedModel()
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "triage.model.gz")
	f, err := os.Create(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := model.Encode(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	bad := filepath.Join(dir, "broken.model.gz")
	if err := os.WriteFile(bad, []byte("not a model"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		path, wantErr string
	}{
		{good, ""},
		{bad, "XIAOBAO_TRIAGE_MODEL"},
		{filepath.Join(dir, "missing.gz"), "XIAOBAO_TRIAGE_MODEL"},
	} {
		m := NewMain(&bytes.Buffer{}, &bytes.Buffer{})
		m.Getenv = func(k string) string {
			if k == "XIAOBAO_TRIAGE_MODEL" {
				return c.path
			}
			return ""
		}
		if err := m.loadConfig(); err != nil {
			t.Fatal(err)
		}
		m.Pool = pool
		svc, err := m.newTriage(context.Background())
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("model %s: err = %v, want one naming %s", filepath.Base(c.path), err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("model %s: %v", filepath.Base(c.path), err)
		}
		got := svc.Classify(context.Background(), "招行信用卡乱扣我年费，要求退回", time.Now())
		if got.Product != "credit_card" {
			t.Errorf("served model classified a credit-card fee as %s", got.Product)
		}
	}
}
