"""Template memory and size bombs are refused before they allocate: neither the caller nor the render
pool's child grows, and the error names the limit (string size, number size, loop count, output)."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.nodes.base import NodeError
from builder.nodes.support import render_pool, templating


@pytest.fixture(autouse=True, scope="module")
def _stop_render_pool() -> Iterator[None]:
    yield
    render_pool.shutdown()  # the children this module started


def peak_rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pool_pids() -> list[int]:
    return render_pool.POOL.pids()


MEMORY_BOMBS = [
    "{{ '%999999999s' % 'a' }}",
    "{{ '{:>999999999}'.format('a') }}",
    "{{ 'a'.ljust(999999999) }}",
    "{{ ('a' * 1000000).replace('a', 'a' * 1000) }}",
]


@pytest.mark.parametrize("template", MEMORY_BOMBS)
def test_a_memory_bomb_is_refused_before_it_allocates(template):
    before = peak_rss_mb()
    with pytest.raises(NodeError) as caught:
        templating.render(template, {})
    assert caught.value.kind == "template"
    assert "characters long; the limit is 2,000,000" in caught.value.message
    assert peak_rss_mb() - before < 50, "the caller's memory grew"
    for pid in pool_pids():
        assert peak_rss_mb(pid) < 100, "the render pool's child grew"


SIZE_BOMBS = [
    ("{{ '%(a)999999999s' % {'a': 1} }}", "characters long"),
    ("{{ '%.999999999f' % 1.5 }}", "characters long"),
    ("{{ '%*s' % (999999999, 'a') }}", "characters long"),
    ("{{ '{0:{1}}'.format('a', 999999999) }}", "characters long"),
    ("{{ '{x:>999999999}'.format_map({'x': 1}) }}", "characters long"),
    ("{{ 'a'|attr('rjust')(999999999) }}", "characters long"),
    ("{{ 'a'.center(999999999) }}", "characters long"),
    ("{{ 'a'.zfill(999999999) }}", "characters long"),
    ("{{ ('\t' * 1000).expandtabs(999999) }}", "characters long"),
    ("{{ ('x' * 1000).join(['a'] * 100000) }}", "characters long"),
    ("{{ ('x' * 100000).translate({120: 'y' * 1000}) }}", "characters long"),
    ("{{ ('x' * 1500000) ~ ('x' * 1500000) }}", "characters long"),
    ("{{ ('x' * 1500000) + ('x' * 1500000) }}", "characters long"),
    ("{{ [10 ** 4000] * 2000 }}", "characters long"),
    ("{{ 'x'|indent(999999999) }}", "characters long"),
    ("{{ ('x\n' * 100000)|indent(1000) }}", "characters long"),
    ("{{ '%s'|format('x' * 3000000) }}", "characters long"),
    ("{{ (['x' * 1000] * 1000)|join(',' * 3000) }}", "characters long"),
    ("{{ (1).to_bytes(999999999, 'big') }}", "characters long"),
    ("{% set x = 7 ** 30000 %}{{ x * x }}", "bits; the limit is 100,000"),
    ("{{ 2 ** 100001 }}", "bits; the limit is 100,000"),
    ("{{ 10 ** 5000 }}", "too many digits"),
    ("{% for a in 'x' * 30000 %}{% for b in 'x' * 10000 %}{% endfor %}{% endfor %}",
     "loops or calls more than 1,000,000 times"),
    ("{{ ('x' * 2000000)|list|sort|length }}", "loops or calls more than 1,000,000 times"),
    ("{% for x in 'abcdefghi' recursive %}{% if loop.depth < 2 %}{{ loop('x' * 300000) }}{% endif %}{% endfor %}",
     "loops or calls more than|took longer than"),
    ("{% set s %}{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}{% endset %}{{ s|length }}",
     "writes more than 8,000,000 characters"),
    ("{% macro f() %}{{ 'x' * 1000 }}{% endmacro %}{% for i in range(10000) %}{% set y = f() %}{% endfor %}",
     "writes more than 8,000,000 characters"),
    ("{{ [1]|slice(999999) }}", r"slice\(\) is limited"),
]


@pytest.mark.parametrize(("template", "names"), SIZE_BOMBS)
def test_a_costly_operation_is_refused_with_the_limit_it_hit(template, names):
    before = peak_rss_mb()
    t0 = time.monotonic()
    with pytest.raises(NodeError) as caught:
        templating.render(template, {})
    assert caught.value.kind == "template"
    assert re.search(names, caught.value.message), caught.value.message
    assert time.monotonic() - t0 < templating.MAX_SECONDS + 1.0, "not stopped at the time budget"
    assert peak_rss_mb() - before < 50


ORDINARY = [
    ("{{ '%5s|%-3d|%.2f' % ('ab', 7, 1.5) }}", {}, "   ab|7  |1.50"),
    ("{{ '{:>4}{x}'.format(1, x='!') }}", {}, "   1!"),
    ("{{ 'a'.ljust(3, '.') }}{{ 'b'.center(3) }}", {}, "a.. b "),
    ("{{ t.replace('a', 'bb') }}", {"t": "aXa"}, "bbXbb"),
    ("{{ ', '.join(xs) }} {{ xs|join('-') }}", {"xs": ["p", "q"]}, "p, q p-q"),
    ("{% for x in xs if x != 'q' %}{{ loop.index }}{{ x }}{% endfor %}", {"xs": ["p", "q", "r"]}, "1p2r"),
    ("{% for i in range(3) %}{{ i * 2 }}{% endfor %}{{ range(4)|list|length }}", {}, "0244"),
    ("{% set n = 2 ** 64 %}{{ n * n > n }}", {}, "True"),
    ("{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(1) ~ m(2) }}", {}, "<1><2>"),
    ("{{ doc.title|upper }}{{ items|map('upper')|join }}", {"doc": {"title": "t"}, "items": ["a", "b"]}, "TAB"),
]


@pytest.mark.parametrize(("template", "variables", "expected"), ORDINARY)
def test_ordinary_templates_render_as_before(template, variables, expected):
    assert templating.render(template, variables) == expected


def test_a_render_that_evades_the_size_checks_meets_the_render_memory_limit():
    # 200 distinct strings of 2 MB in one list literal: each is under every size limit, together
    # they are 400 MB, past the render process's 256 MB address-space cap.
    template = "{% set a = 'x' * 1999990 %}{{ [" + ",".join(f"a ~ '{i}'" for i in range(200)) + "]|length }}"
    before = peak_rss_mb()
    with pytest.raises(NodeError) as caught:
        templating.render(template, {})
    assert "MB of memory a render may use" in caught.value.message
    assert peak_rss_mb() - before < 50
    assert templating.render("{% for i in range(2) %}{{ i }}{% endfor %}", {}) == "01"  # a fresh child
