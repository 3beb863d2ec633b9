package chat

import "testing"

func TestParseName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"张伟":           "张伟",
		"我叫张伟":         "张伟",
		"俺叫王桂兰":        "王桂兰",
		"我是她女儿，叫陈静":    "陈静",
		"我是他儿子，叫马俊":    "马俊",
		"我姓刘，叫刘桂芳":     "刘桂芳",
		"姓名：李娜。":       "李娜",
		"陈静（她女儿）":      "陈静",
		"我是张伟的妈妈，我叫王芳": "王芳",
		"欧阳娜娜":         "欧阳娜娜",
		"Zhang Wei":    "Zhang Wei",
		"我是赵明":         "赵明",
		"叫我小王就行":       "小王",
		"李女士":          "李女士",
	} {
		if got, ok := parseName(in); !ok || got != want {
			t.Errorf("parseName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// Declining or questioning is never a name to file.
	for _, in := range []string{"我姓刘", "13812345678", "张", "", "不想说", "匿名可以吗", "为什么要名字", "不方便透露", "保密"} {
		if got, ok := parseName(in); ok {
			t.Errorf("parseName(%q) = %q, want no name", in, got)
		}
	}
}
