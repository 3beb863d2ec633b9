package triage

import (
	"math"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12000", 12000, true},
		// An age closing a clause is not money; a sum paid is.
		{"华泰销个户这么难 我七十多了跑了三趟了", 0, false},
		{"扣了七十了", 70, true},
		{"用三万积分换了一个空气炸锅", 0, false},
		{"12000元", 12000, true},
		{"1.2万", 12000, true},
		{"两万三", 23000, true},
		{"5w", 50000, true},
		{"5W", 50000, true},
		{"1.5w", 15000, true},
		{"3k", 3000, true},
		{"3K块", 3000, true},
		{"八百块", 800, true},
		{"1,500元", 1500, true},
		{"12,000.50", 12000.5, true},
		{"一千二", 1200, true},
		{"一万二", 12000, true},
		{"三千五", 3500, true},
		{"两千四百元", 2400, true},
		{"十万", 100000, true},
		{"二十万", 200000, true},
		{"二十多万", 200000, true},
		{"一百零五元", 105, true},
		{"38块6", 38.6, true},
		{"5万2", 52000, true},
		{"4.8万", 48000, true},
		{"1万5000", 15000, true},
		{"壹万贰仟元整", 12000, true},
		{"一亿", 1e8, true},
		{"￥299", 299, true},
		{"¥ 1,299.50", 1299.5, true},
		{"人民币5000元", 5000, true},
		{"大概两万多吧", 20000, true},
		{"十来万", 100000, true},
		{"二十来块", 20, true},
		{"两三千块", 2000, true},
		{"共计2.3万元", 23000, true},
		{"被骗了三万八", 38000, true},
		{"差不多一千块钱", 1000, true},
		{"０.５元", 0.5, true},
		{"５０００", 5000, true},
		{"七十多块", 70, true},
		{"", 0, false},
		{"   ", 0, false},
		{"不知道", 0, false},
		{"没有损失", 0, false},
		{"13812345678", 0, false},
		{"2025-10-03", 0, false},
		{"3次", 0, false},
		{"12期", 0, false},
		{"90岁", 0, false},
		{"年化18%", 0, false},
		{"千万别转", 0, false},
		{"万一", 0, false},
		{"尾号5678", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseAmount(c.in)
		if ok != c.ok || (ok && math.Abs(got-c.want) > 1e-9) {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestExtractAmountFromStories checks the amount read from whole
// complaints: the disputed sum, not credit lines, counts or dates.
func TestExtractAmountFromStories(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	cases := []struct {
		text string
		want float64 // 0: no amount
	}{
		{"招行信用卡年费扣了我2300元，我根本没开通", 2300},
		{"借呗借了两万分12期，每期利息都不一样", 20000},
		{"建行卡被盗刷了5万2，卡一直在我身上", 52000},
		{"民生白金卡年费3600，业务员说首年免年费，现在直接扣了我3600", 3600},
		{"借呗天天推送说我有五万额度可以借", 0},
		{"工行信用卡额度五万，突然降到两千，还让我一次性还清欠款四万八", 48000},
		{"2025年10月3日在农行ATM取款，机器吞了我的卡", 0},
		{"我今年72岁了，第3次去网点还是办不了", 0},
		{"上个月11号扣了我299块的会员费", 299},
		{"卡号6222021234567890123被冻结", 0},
		{"交行取现手续费扣了1%还收万五利息，我就取了3000应急", 3000},
		// An age said without 岁 is not the sum.
		{"俺妈六十八，八月份摔断了腿在县医院住了二十多天，花了一万五千多。她有泰康的住院医疗险", 15000},
		{"我妈今年七十三了，去年腊月揣着五万块钱去县里农行存定期", 50000},
		{"我爸七十了被逼着买了两万的保险", 20000},
	}
	for _, c := range cases {
		e := Extract(c.text, now)
		switch {
		case c.want == 0 && e.AmountYuan != nil:
			t.Errorf("Extract(%q).AmountYuan = %v, want none", c.text, *e.AmountYuan)
		case c.want != 0 && (e.AmountYuan == nil || math.Abs(*e.AmountYuan-c.want) > 1e-9):
			t.Errorf("Extract(%q).AmountYuan = %v, want %v", c.text, e.AmountYuan, c.want)
		}
	}
}

// A foreign-currency amount is not a number of yuan: it is kept as written
// and never counted as renminbi (two hundred thousand pounds must not read
// as 20,000 元), while a renminbi equivalent beside it still is.
func TestForeignAmounts(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		text    string
		yuan    float64 // 0: none
		foreign string
	}{
		{"我在中国银行给儿子汇了两万英镑学费，到账少了四十多镑", 0, "两万英镑"},
		{"境外网站扣了我三笔美元消费，一共$320", 0, "320美元"},
		{"学费一万七千美元，折合人民币十二万左右", 120000, "一万七千美元"},
		{"信用卡年费扣了300元", 300, ""},
	}
	for _, c := range cases {
		e := Extract(c.text, now)
		switch {
		case c.yuan == 0 && e.AmountYuan != nil:
			t.Errorf("Extract(%q).AmountYuan = %v, want none", c.text, *e.AmountYuan)
		case c.yuan != 0 && (e.AmountYuan == nil || *e.AmountYuan != c.yuan):
			t.Errorf("Extract(%q).AmountYuan = %v, want %v", c.text, e.AmountYuan, c.yuan)
		}
		if e.AmountForeign != c.foreign {
			t.Errorf("Extract(%q).AmountForeign = %q, want %q", c.text, e.AmountForeign, c.foreign)
		}
	}
	if _, ok := ParseAmount("两万英镑"); ok {
		t.Error("ParseAmount(两万英镑) reads pounds as yuan")
	}
	if fx, ok := ParseForeignAmount("大概5000美金吧"); !ok || fx != "5000美元" {
		t.Errorf("ParseForeignAmount(大概5000美金吧) = %q, %v", fx, ok)
	}
	if _, ok := ParseForeignAmount("5000块"); ok {
		t.Error("ParseForeignAmount(5000块) read renminbi as foreign")
	}
}

func TestParseNumeral(t *testing.T) {
	t.Parallel()
	cases := map[string]float64{
		"十": 10, "十五": 15, "二十三": 23, "一百": 100, "一百零五": 105, "一千零一": 1001, "三万零五百": 30500,
		"两万三千": 23000, "一亿两千万": 120000000, "九千九百九十九": 9999, "八万2": 82000,
	}
	for in, want := range cases {
		got, _, ok := parseNumeral(in)
		if !ok || got != want {
			t.Errorf("parseNumeral(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
}
