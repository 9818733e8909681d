"""``{% translate %}`` remembered per language (common/templatetags/translations.py): every template
gets it without loading ``i18n``, no template loads Django's library over it, and its output is
Django's own for every literal in the templates, in two languages, escaped or not, with ``as``."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Engine, engines
from django.test import override_settings
from django.utils import translation

from toegang.common.templatetags import translations

SOURCE = Path(__file__).resolve().parent.parent / "src" / "toegang"
DJANGO = Engine(libraries={"i18n": "django.templatetags.i18n"})  # Django's own tags

# besides the templates' own texts: ones Django's Dutch catalogue translates, and special characters
EXTRA = ["Yes", "January", "Save", "50%% klaar", "A & B <c>", "it's", 'say "hi"']


def literals() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.html"):
        for quote, text in re.findall(r"\{% (?:translate|trans) ([\"'])(.*?)\1", path.read_text()):
            found.add(quote + text + quote)
    return found


def test_every_template_gets_the_remembered_tag_and_djangos_other_i18n_tags():
    template = engines["django"].engine.from_string(
        "{% translate 'x' %}{% get_current_language as lang %}{% blocktranslate %}y{% endblocktranslate %}"
    )
    assert type(template.nodelist[0]) is translations.TranslateNode
    assert engines["django"].from_string("{% get_current_language as l %}{{ l }} {{ 'nl'|language_name }}").render(
        {}
    ) == ("nl Dutch")


def test_no_template_loads_djangos_i18n_over_it():
    loading = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.html")
        if re.search(r"\{% load [^%]*\bi18n\b", path.read_text())
    ]
    assert loading == []


def test_the_output_is_djangos_for_every_literal():
    texts = literals()
    assert len(texts) > 500  # the templates were read
    texts |= {f'"{text}"' if "'" in text else f"'{text}'" for text in EXTRA}
    differs = 0
    checked = 0
    for language in ("nl", "en"):
        with translation.override(language):
            for text in sorted(texts):
                for autoescape in (True, False):
                    for source in (f"{{% translate {text} %}}", f"{{% translate {text} as v %}}[{{{{ v }}}}]"):
                        expected = DJANGO.from_string("{% load i18n %}" + source).render(Context(autoescape=autoescape))
                        ours = engines["django"].engine.from_string(source)
                        for _twice in range(2):  # the second time from memory
                            assert ours.render(Context(autoescape=autoescape)) == expected, (language, source)
                            checked += 1
                        differs += expected != text.strip("'\"")
    assert checked > 4000
    assert differs  # some texts were translated or escaped, so a mixed-up key would show


def test_what_is_not_a_plain_literal_goes_through_djangos_tag():
    with translation.override("nl"):
        for source, context in [
            ("{% translate 'Yes' noop %}", {}),
            ("{% translate 'May' context 'month name' %}", {}),
            ("{% translate word %}", {"word": "Yes"}),
            ("{% translate 'Yes'|upper %}", {}),
        ]:
            expected = DJANGO.from_string("{% load i18n %}" + source).render(Context(context))
            node = engines["django"].engine.from_string(source).nodelist[0]
            assert node.literal is None, source
            assert engines["django"].from_string(source).render(context) == expected, source
        assert engines["django"].from_string("{% translate 'Yes' noop %}").render({}) == "Yes"
        assert engines["django"].from_string("{% translate 'Yes' %}").render({}) == "Ja"


def test_a_change_of_language_settings_forgets_the_outputs():
    engines["django"].from_string("{% translate 'Yes' %}").render({})
    assert translations._outputs
    with override_settings(LANGUAGES=[("nl", "Nederlands"), ("en", "English")]):
        assert not translations._outputs
