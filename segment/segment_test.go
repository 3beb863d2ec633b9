package segment

import (
	"slices"
	"testing"
)

func TestWordsKeepsDomainTermsAndDropsPunctuation(t *testing.T) {
	t.Parallel()
	got := Words("招行信用卡乱扣年费！！请问怎么退？")
	for _, want := range []string{"信用卡", "年费", "招行"} {
		if !slices.Contains(got, want) {
			t.Errorf("Words() = %v, missing %q", got, want)
		}
	}
	for _, w := range got {
		if w == "！" || w == "？" {
			t.Errorf("punctuation %q kept in %v", w, got)
		}
	}
}

func TestAddWordsKeepsCuratedTermWhole(t *testing.T) {
	t.Parallel()
	AddWords("签字的单子")
	if got := Words("刷卡后签字的单子没打出来"); !slices.Contains(got, "签字的单子") {
		t.Fatalf("Words() = %v, want the curated term kept whole", got)
	}
}

func TestSearchWordsAddsSubwords(t *testing.T) {
	t.Parallel()
	got := SearchWords("中华人民共和国消费者权益保护法")
	if !slices.Contains(got, "消费者") {
		t.Fatalf("SearchWords() = %v, want sub-word 消费者", got)
	}
}
