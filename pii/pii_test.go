package pii

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"我的手机13812345678，快回电", "我的手机138****5678，快回电"},
		{"电话 +86 139 1234 5678", "电话 139****5678"},
		{"身份证110101199003071234号", "身份证110***********1234号"},
		{"身份证11010119900307123X", "身份证110***********123X"},
		{"卡号6222 0212 3456 7890 123被盗刷", "卡号**** **** **** 0123被盗刷"},
		{"卡号6217000010001234567", "卡号**** **** **** 4567"},
		{"邮箱zhang.san@example.com", "邮箱z***@example.com"},
		{"金额12000元，2025年10月3日", "金额12000元，2025年10月3日"},
		{"投诉编号TS20261123-4821", "投诉编号TS20261123-4821"},
	}
	for _, c := range cases {
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMaskLeavesNoRawDigits(t *testing.T) {
	t.Parallel()
	in := "13812345678和13987654321都是我的,身份证号440301198512125678"
	got := Mask(in)
	for _, raw := range []string{"13812345678", "13987654321", "440301198512125678"} {
		if strings.Contains(got, raw) {
			t.Errorf("Mask left %s in %q", raw, got)
		}
	}
}

func TestPhones(t *testing.T) {
	t.Parallel()
	got := Phones("联系我 13812345678 或 15900001111")
	if len(got) != 2 || got[0] != "13812345678" || got[1] != "15900001111" {
		t.Fatalf("Phones() = %v", got)
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"13812345678", "身份证110101199003071234", "6222021234567890123", "", "🙂🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Mask(s)
		for _, p := range Phones(s) {
			if strings.Contains(got, p) {
				t.Fatalf("Mask(%q) = %q still holds phone %s", s, got, p)
			}
		}
	})
}
