"""{% scrolling_tables %}: every outermost table in a focusable, labelled scrolling region."""

from django.template import engines

from convenor.core.templatetags.layout import wrap_tables


def test_a_table_is_wrapped_in_a_region_named_by_its_caption():
    html = wrap_tables('<p>x</p><table><caption>Members of "Ribble"</caption><tr></tr></table>')
    assert html.startswith('<p>x</p><div class="convenor-table-scroll" role="region"')
    assert 'tabindex="0" aria-label="Members of &quot;Ribble&quot;">' in html
    assert html.endswith("</table></div>")


def test_without_a_caption_the_column_headings_name_it_and_nested_tables_stay_inside():
    html = wrap_tables(
        "<TABLE><tr><th>Name</th><th><span>Role</span></th></tr>"
        "<tr><td><table><tr><td>in</td></tr></table></td></tr></TABLE><table></table>"
    )
    assert html.count("convenor-table-scroll") == 2
    assert 'aria-label="Table: Name, Role"' in html and 'aria-label="Table"' in html


def test_base_wraps_the_content_block():
    template = engines["django"].from_string(
        "{% load layout %}{% scrolling_tables %}<table></table>{% endscrolling_tables %}"
    )
    assert template.render({}).startswith('<div class="convenor-table-scroll"')
