package triage

import (
	"slices"
	"testing"
)

func TestParseDemands(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want []string
	}{
		{"要求全额退款", []string{"refund"}},
		{"把钱退给我并赔偿损失", []string{"refund", "compensation"}},
		{"让催收别再打电话了", []string{"stop_harassment"}},
		{"请更正我的征信记录", []string{"correction"}},
		{"给我一个解释，凭什么扣钱", []string{"explanation"}},
		{"我要注销这张卡", []string{"cancel"}},
		{"退保，退还保费", []string{"refund", "cancel"}},
		{"信用卡年费", nil},
		{"", nil},
	}
	for _, c := range cases {
		if got := ParseDemands(c.text); !slices.Equal(got, c.want) {
			t.Errorf("ParseDemands(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
