"""clean_text, to_halfwidth and the spam remover (run over the real hijacked plan page)."""

from pathlib import Path

import pytest

from transform.parsers.common import html_document, page_spam, visible_text
from transform.text import _STRONG_LATIN, _STRONG_LATIN_STEMS, clean_text, find_spam, remove_spam, strip_markup, to_halfwidth

PLAN = Path("/work/shared/plans/suzhou-2022-standardization-opinions.txt")
INJECTED = "澳门皇冠赌场_澳门皇冠游戏-投注app官网"


def test_clean_text_unescapes_entities():
    assert clean_text("A&amp;B&nbsp;C") == "A&B C"


def test_clean_text_strips_sacinfo_tags_keeping_inner_text():
    assert clean_text("毛绒、<sacinfo>布制</sacinfo>玩具") == "毛绒、布制玩具"


def test_clean_text_strips_bold_tags():
    assert clean_text("<b>毛绒、布制玩具</b>") == "毛绒、布制玩具"


def test_clean_text_keeps_a_less_than_sign_that_is_not_a_tag():
    assert clean_text("含量 <10% 或 a < b") == "含量 <10% 或 a < b"


def test_clean_text_removes_zero_width_characters():
    assert clean_text("苏\u200b州\u200c市\u200d吴\ufeff中") == "苏州市吴中"


def test_clean_text_turns_no_break_and_ideographic_spaces_into_spaces():
    assert clean_text("苏州市\u00a0吴中区\u3000木渎镇") == "苏州市 吴中区 木渎镇"


def test_clean_text_turns_every_wide_or_no_break_space_into_one_space():
    spaces = "\u00a0\u2002\u2003\u2009\u202f\u3000"
    assert clean_text(f"{spaces}苏州市" + "".join(f"{c}区{i}" for i, c in enumerate(spaces)) + f"\u00ad{spaces}") \
        == "苏州市 区0 区1 区2 区3 区4 区5"
    assert clean_text("吴中区\u00a0\u200b\u3000木渎镇") == "吴中区 木渎镇"  # an invisible one inside a run


def test_clean_text_collapses_whitespace_runs_and_strips():
    assert clean_text("  苏州市 \n\t 吴中区  ") == "苏州市 吴中区"


def test_clean_text_separates_words_at_line_breaks():
    assert clean_text("第一单位<br/>第二单位") == "第一单位 第二单位"


def test_strip_markup_keeps_line_structure():
    assert strip_markup("A<br>B\nC") == "A\nB\nC"


def test_to_halfwidth_converts_fullwidth_ascii():
    assert to_halfwidth("ＧＢ／Ｔ　１２３４．５－２０２０") == "GB/T 1234.5-2020"


def test_to_halfwidth_leaves_chinese_alone():
    assert to_halfwidth("苏州某某（集团）有限公司") == "苏州某某(集团)有限公司"


# --- spam -----------------------------------------------------------------------------------

def test_find_spam_returns_the_whole_run_with_its_joiners():
    assert find_spam(f"中共{INJECTED}委") == [INJECTED]


def test_remove_spam_keeps_the_words_around_the_run():
    assert remove_spam(f"建设“{INJECTED}质量基础设施一站式服务中心”") == (
        "建设“质量基础设施一站式服务中心”", [INJECTED])


def test_remove_spam_finds_latin_betting_runs():
    text = "通知bet365体育在线投注_bet365官网下载 正文"
    assert remove_spam(text) == ("通知 正文", ["bet365体育在线投注_bet365官网下载"])


def test_a_strong_term_alone_is_spam():
    assert find_spam("欢迎光临百家乐") == ["百家乐"]


@pytest.mark.parametrize("legitimate", [
    "质量基础设施一站式服务中心",
    "97.200_文娱活动设备",
    "完善公共体育服务设施",
    "真人",
    "金沙江流域生态保护",
    "澳门特别行政区",
    "体育彩票投注站服务规范",
    "游戏软件质量要求",
    "application download",
])
def test_legitimate_text_is_not_spam(legitimate):
    assert remove_spam(legitimate) == (legitimate, [])


def test_weak_terms_chained_to_a_strong_one_are_removed_with_it():
    assert find_spam("澳门金沙娱乐城官网") == ["澳门金沙娱乐城官网"]


def test_plan_page_loses_exactly_the_injected_strings():
    text = PLAN.read_text(encoding="utf-8")
    cleaned, removed = remove_spam(text)
    assert removed == [INJECTED] * text.count(INJECTED)
    assert len(removed) == 8
    assert cleaned == text.replace(INJECTED, "")
    assert len(cleaned) == len(text) - 8 * len(INJECTED)


def test_plan_page_sentences_survive_spam_removal():
    cleaned, _ = remove_spam(PLAN.read_text(encoding="utf-8"))
    assert "中共委 人民政府贯彻落实国家标准化发展纲要的实施意见" in cleaned
    assert "建设“质量基础设施一站式服务中心”" in cleaned
    assert "编制电子信息产业标准化规划(2.0版)" in cleaned
    assert find_spam(cleaned) == []


@pytest.mark.parametrize("text, runs", [
    ("正文 CASINO888 官网", ["CASINO888 官网"]),  # a Latin strong term in capitals: the pre-check lower-cases
    ("正文 Bet365官网 结束", ["Bet365官网"]),
    ("正文 PK10 结束", ["PK10"]),
    ("Alphabet Betting 正文", []),  # holds "bet" but no strong token: the tokenizer, not the pre-check, decides
    ("中共苏州市委员会", []),  # no strong term at all: the pre-check ends it
])
def test_spam_in_latin_letters_is_found_whatever_their_case(text, runs):
    assert find_spam(text) == runs


def test_every_strong_latin_term_holds_a_stem_the_spam_pre_check_looks_for():
    """The pre-check passes a text to the tokenizer only if it holds a stem: a Latin strong term
    added without one would never be found."""
    for alternative in _STRONG_LATIN.pattern.split("|"):
        assert any(stem in alternative.lower() for stem in _STRONG_LATIN_STEMS), alternative


def test_page_spam_reads_visible_text_and_leaves_scripts_and_styles_as_they_were():
    """Spam in a <script> or <style> is not on the page; in the body or the title it is. The scripts'
    text is set aside while the page's text is read and put back: the parsers read it afterwards."""
    doc = html_document("<html><head><title>标准公告</title><style>.x{content:'博彩官网'}</style>"
                        "<script>var a = '澳门皇冠';</script></head>"
                        "<body><p>正文</p><script>document.write('百家乐')</script><p>娱乐城官网</p></body></html>")
    assert visible_text(doc) == ["标准公告", "正文", "娱乐城官网"]
    assert page_spam(doc) == ["娱乐城官网"]
    assert doc.xpath("//script/text()") == ["var a = '澳门皇冠';", "document.write('百家乐')"]
    assert doc.xpath("//style/text()") == [".x{content:'博彩官网'}"]
