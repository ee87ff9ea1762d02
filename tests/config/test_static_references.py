"""Every `{% static '…' %}` in a template names a file the staticfiles finders find: a file left outside every
static folder answers 404 with DEBUG on and breaks the page with DEBUG off (the manifest lacks it)."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import engines

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


def template_files() -> list[Path]:
    folders = []
    for engine in engines.all():
        folders += [Path(d) for d in engine.template_dirs]
    root = Path(settings.BASE_DIR).resolve()
    return sorted({f for folder in folders if folder.resolve().is_relative_to(root) and ".venv" not in folder.parts
                   for f in folder.rglob("*.html")})


def test_the_project_has_templates_with_static_references():
    references = [ref for f in template_files() for ref in STATIC_TAG.findall(f.read_text(encoding="utf-8"))]
    assert "coordination/fanout.js" in references


def test_every_static_reference_in_a_template_resolves():
    missing = [(str(f.relative_to(settings.BASE_DIR)), ref) for f in template_files()
               for ref in STATIC_TAG.findall(f.read_text(encoding="utf-8")) if finders.find(ref) is None]
    assert missing == []
