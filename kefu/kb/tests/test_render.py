"""Article bodies: Markdown rendered to sanitised HTML."""

from kefu.kb.render import to_html


def test_markdown_becomes_html() -> None:
    html = to_html("## 办理\n\n- 身份证\n- **原件**\n\n| 速率 | 月费 |\n|---|---|\n| 100M | 60元 |")
    assert "<h2>办理</h2>" in html
    assert "<li><strong>原件</strong></li>" in html
    assert "<td>60元</td>" in html


def test_scripts_handlers_and_bad_links_are_dropped() -> None:
    html = to_html(
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        "[点我](javascript:alert(3)) [官网](https://example.cn)"
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "javascript:" not in html
    assert 'href="https://example.cn"' in html
    assert 'rel="noopener noreferrer"' in html
