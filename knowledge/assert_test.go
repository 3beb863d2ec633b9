package knowledge

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// Small require-style assertions: a failure stops the test with the values
// involved. (testify would need modules go.mod does not list.)

func msg(extra []any) string {
	if len(extra) == 0 {
		return ""
	}
	if f, ok := extra[0].(string); ok {
		return ": " + fmt.Sprintf(f, extra[1:]...)
	}
	return ": " + fmt.Sprint(extra...)
}

func noErr(t testing.TB, err error, extra ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v%s", err, msg(extra))
	}
}

func eq(t testing.TB, want, got any, extra ...any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("want %#v, got %#v%s", want, got, msg(extra))
	}
}

func isTrue(t testing.TB, cond bool, extra ...any) {
	t.Helper()
	if !cond {
		t.Fatalf("condition failed%s", msg(extra))
	}
}

func has(t testing.TB, s, sub string, extra ...any) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q does not contain %q%s", s, sub, msg(extra))
	}
}

func hasNot(t testing.TB, s, sub string, extra ...any) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Fatalf("%q contains %q%s", s, sub, msg(extra))
	}
}

func matches(t testing.TB, pattern, s string, extra ...any) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(s) {
		t.Fatalf("%q does not match %s%s", s, pattern, msg(extra))
	}
}
