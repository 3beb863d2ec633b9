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
		"我姓林，林女士":      "林女士",
		"我姓胡，胡德明":      "胡德明",
		"我姓周 周丽":       "周丽",
		"我姓张，张伯涛":      "张伯涛",
		"免贵姓李，木子李，李晓燕": "李晓燕",
		"免贵姓欧阳，欧阳先生":   "欧阳先生",
		// A character spelled out after the name is not part of it.
		"张德顺，弓长张":          "张德顺",
		"钱国华，钱是钞票的钱":       "钱国华",
		"冯磊，冯是两点水那个冯":      "冯磊",
		"陈晓燕 耳东陈":          "陈晓燕",
		"我是她外孙女 林晓 外婆叫郑秀英": "郑秀英",
	} {
		if got, ok := parseName(in); !ok || got != want {
			t.Errorf("parseName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// Declining or questioning is never a name to file.
	for _, in := range []string{"我姓刘", "我姓张，弓长张", "13812345678", "张", "", "不想说", "匿名可以吗", "为什么要名字", "不方便透露", "保密"} {
		if got, ok := parseName(in); ok {
			t.Errorf("parseName(%q) = %q, want no name", in, got)
		}
	}
}

func TestSurnameOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]string{
		"我姓林":       {"林", ""},
		"免贵姓张，弓长张":  {"张", ""},
		"姓欧阳":       {"欧阳", ""},
		"俺姓王，王大爷就行": {"王", "先生"},
		"我姓李，是女的":   {"李", "女士"},
	} {
		sur, title, ok := surnameOf(in)
		if !ok || sur != want[0] || title != want[1] {
			t.Errorf("surnameOf(%q) = %q %q %v; want %q %q", in, sur, title, ok, want[0], want[1])
		}
	}
	for _, in := range []string{"林晓", "张先生", "不姓", ""} {
		if sur, _, ok := surnameOf(in); ok {
			t.Errorf("surnameOf(%q) = %q, want none", in, sur)
		}
	}
}

func TestUnknownName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"鑫盛财富，一个理财平台":   "鑫盛财富",
		"是速借宝 app上借的":   "速借宝",
		"就是那个，叫什么来着，宜信": "宜信",
		"恒通财富":          "恒通财富",
	} {
		if got := unknownName(in); got != want {
			t.Errorf("unknownName(%q) = %q, want %q", in, got, want)
		}
	}
}
