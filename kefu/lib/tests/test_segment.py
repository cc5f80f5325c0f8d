"""Word segmentation for search: what an order stores and what a query looks up must meet."""

from hypothesis import given
from hypothesis import strategies as st

from kefu.lib.segment import index_text, words


def test_chinese_text_is_cut_into_words_without_punctuation():
    assert words("宽带断网三天，要求上门维修！") == ["宽带", "断网", "三天", "要求", "上门", "维修"]


def test_latin_words_are_lower_case_and_each_word_appears_once():
    assert words("ADSL adsl 光猫 光猫") == ["adsl", "光猫"]


def test_a_word_typed_in_the_search_box_is_among_the_words_of_the_order():
    stored = set(index_text("宽带断网三天", "光猫指示灯闪烁", "陈先生").split())
    for query in ["断网", "光猫", "指示灯", "闪烁"]:
        assert set(words(query)) <= stored, query


@given(st.text())
def test_words_are_only_letters_and_digits_so_they_are_safe_in_an_index_query(text):
    for word in words(text):
        assert word
        assert all(ch.isalnum() for ch in word), word
