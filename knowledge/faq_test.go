package knowledge

import (
	"context"
	"errors"
	"testing"

	"github.com/xiaobao-cn/xiaobao/internal/dbtest"
)

func TestFAQLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx)

	f, err := s.CreateFAQ(ctx, FAQInput{
		Question: "ETC 扣费不对怎么办？",
		Similar:  []string{"高速通行费多扣了", "ETC 重复扣款"},
		Answer:   "先在发卡银行的 App 里核对通行记录，再拨打发卡银行客服申请退还多扣的通行费。",
	}, "staff:tester")
	noErr(t, err)
	isTrue(t, f.OwnsDocument, "an entry with its own answer owns a document")
	eq(t, StatusPublished, f.Status)
	eq(t, []string{"高速通行费多扣了", "ETC 重复扣款"}, f.Similar)
	has(t, f.Answer, "核对通行记录")

	hits, err := s.Search(ctx, SearchQuery{Text: "通行费扣了两次", K: 3})
	noErr(t, err)
	isTrue(t, len(hits) > 0 && hits[0].DocumentID == f.DocumentID && hits[0].FAQID == f.ID, "similar questions are searchable: %+v", hits)
	eq(t, "《ETC 扣费不对怎么办？》", hits[0].Citation)

	f, err = s.UpdateFAQ(ctx, f.ID, FAQInput{
		Question: "ETC 扣费不对怎么办？", Similar: []string{"ETC 重复扣款"},
		Answer: "先核对通行记录，再找发卡银行申请退还。",
	}, "staff:tester")
	noErr(t, err)
	eq(t, []string{"ETC 重复扣款"}, f.Similar)
	eq(t, 2, countRows(t, tx, `SELECT count(*) FROM kb_faq_questions WHERE faq_id = $1`, f.ID), "removed similar questions stop matching")
	d, err := s.GetDocument(ctx, f.DocumentID)
	noErr(t, err)
	eq(t, 2, d.Version, "a changed answer is a new version")

	_, err = s.AddSimilarQuestion(ctx, f.ID, "ETC 被扣了两次钱", "staff:tester")
	noErr(t, err)
	again, err := s.AddSimilarQuestion(ctx, f.ID, "ETC 被扣了两次钱", "staff:tester")
	noErr(t, err)
	eq(t, []string{"ETC 重复扣款", "ETC 被扣了两次钱"}, again.Similar, "adding twice keeps one")

	noErr(t, s.DeleteFAQ(ctx, f.ID, "staff:tester"))
	_, err = s.GetDocument(ctx, f.DocumentID)
	isTrue(t, errors.Is(err, ErrNotFound), "the owned answer document goes with the entry")
	_, err = s.GetFAQ(ctx, f.ID)
	isTrue(t, errors.Is(err, ErrNotFound), "entry deleted")
}

func TestFAQPointingAtDocumentPrefersCitedChunk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := seededTx(t)
	s := newTestStore(t, tx)
	doc := docIDBySlug(t, tx, "reg-complaint-handling")
	f, err := s.CreateFAQ(ctx, FAQInput{
		Question:   "投诉后银行一直拖着不处理",
		DocumentID: doc,
		Citations:  []string{"《银行业保险业消费投诉处理管理办法》第十八条"},
	}, "staff:tester")
	noErr(t, err)
	isTrue(t, !f.OwnsDocument, "points at an existing document")
	hits, err := s.Search(ctx, SearchQuery{Text: "投诉后银行一直拖着不处理", K: 5})
	noErr(t, err)
	var found *Hit
	for i := range hits {
		if hits[i].FAQID == f.ID {
			found = &hits[i]
		}
	}
	isTrue(t, found != nil, "the entry matched: %+v", hits)
	eq(t, "《银行业保险业消费投诉处理管理办法》第十八条", found.Citation, "the cited chunk stands for the entry")

	_, err = s.CreateFAQ(ctx, FAQInput{Question: "孤儿条目", DocumentID: 1 << 40}, "x")
	isTrue(t, errors.Is(err, ErrInvalid), "a missing document is a clear input error: %v", err)
	_, err = s.CreateFAQ(ctx, FAQInput{Question: "没有答案"}, "x")
	isTrue(t, errors.Is(err, ErrInvalid), "an answer or a document is required")
}

func TestUnansweredAndFeedback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.TestTx(t)
	s := newTestStore(t, tx)
	q := "我的电话13812345678，ETC 怎么注销？"
	noErr(t, s.RecordUnanswered(ctx, q, "sess-1", 0.21))
	noErr(t, s.RecordUnanswered(ctx, q, "sess-2", 0.3))
	noErr(t, s.RecordUnanswered(ctx, "另一个问题", "sess-3", 0.1))
	us, err := s.ListUnanswered(ctx, 10, 0)
	noErr(t, err)
	eq(t, 2, len(us))
	eq(t, "我的电话138****5678，ETC 怎么注销？", us[0].Question, "masked and grouped")
	eq(t, 2, us[0].Count)

	noErr(t, s.RecordFeedback(ctx, Feedback{SessionID: "sess-1", MessageID: "m1", Question: q, Answer: "回答", ChunkIDs: []int64{1, 2}, Helpful: true}))
	noErr(t, s.RecordFeedback(ctx, Feedback{SessionID: "sess-1", MessageID: "m1", Question: q, Answer: "回答", ChunkIDs: []int64{1, 2}, Helpful: false, Comment: "没用"}))
	no := false
	fb, err := s.ListFeedback(ctx, FeedbackFilter{Helpful: &no})
	noErr(t, err)
	eq(t, 1, len(fb), "a second vote replaces the first")
	eq(t, []int64{1, 2}, fb[0].ChunkIDs)
	hasNot(t, fb[0].Question, "13812345678")
	isTrue(t, errors.Is(s.RecordFeedback(ctx, Feedback{Helpful: true}), ErrInvalid), "session and message are required")

	f, err := s.CreateFAQ(ctx, FAQInput{Question: "ETC 怎么注销？", Answer: "到发卡银行网点办理注销。"}, "staff")
	noErr(t, err)
	_, err = s.AddSimilarQuestion(ctx, f.ID, us[0].Question, "staff")
	noErr(t, err)
	us, err = s.ListUnanswered(ctx, 10, 0)
	noErr(t, err)
	eq(t, 1, len(us), "the question turned into a similar question is resolved")
	fb, err = s.ListFeedback(ctx, FeedbackFilter{})
	noErr(t, err)
	eq(t, 0, len(fb), "feedback on the same question is resolved too")
	noErr(t, s.DismissUnanswered(ctx, us[0].ID))
	us, err = s.ListUnanswered(ctx, 10, 0)
	noErr(t, err)
	eq(t, 0, len(us))
}
