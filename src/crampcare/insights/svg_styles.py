"""matplotlib's SVG without inline styles, so the charts draw under the Content-Security-Policy
(``style-src 'self'``: no ``style=""`` attributes, no ``<style>`` elements).

Each declaration becomes the SVG presentation attribute of the same name; a themed colour
(``var(--chart-…)``, which presentation attributes cannot hold) becomes a class whose rule lives
in insights.css (``.cc-fill-chart-ink`` and friends)."""

from __future__ import annotations

import re

# SVG presentation attributes matplotlib writes in its style="" attributes.
PRESENTATION = frozenset(
    {
        "clip-path",
        "clip-rule",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "letter-spacing",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "dominant-baseline",
        "visibility",
    }
)
THEMED_PROPERTIES = ("fill", "stroke")

_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_THEMED = re.compile(r"var\(--([a-z0-9-]+)\)")
_ROOT_RULE = re.compile(r"^\s*\*\s*\{(.*)\}\s*$", re.DOTALL)


class InlineStyleLeft(ValueError):
    """matplotlib wrote a style we cannot turn into attributes (a new property to add above)."""


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = []
    for part in style.split(";"):
        if part.strip():
            name, _, value = part.partition(":")
            pairs.append((name.strip(), value.strip()))
    return pairs


def _attributes(style: str) -> tuple[str, list[str]]:
    attributes, classes = [], []
    for name, value in _declarations(style):
        themed = _THEMED.fullmatch(value)
        if themed and name in THEMED_PROPERTIES:
            classes.append(f"cc-{name}-{themed.group(1)}")
        elif name in PRESENTATION and "var(" not in value and '"' not in value:
            attributes.append(f'{name}="{value}"')
        else:
            raise InlineStyleLeft(f"{name}: {value}")
    return " ".join(attributes), classes


def without_inline_styles(svg: str) -> str:
    """The same drawing with presentation attributes and classes instead of inline CSS."""
    root_attributes = ""
    for rule in _STYLE_ELEMENT.findall(svg):
        # matplotlib's only rule: "*{stroke-linejoin: round; stroke-linecap: butt}". Both
        # properties inherit, so on the root element they reach every shape that sets no other.
        match = _ROOT_RULE.match(rule)
        if match is None:
            raise InlineStyleLeft(rule)
        root_attributes, _ = _attributes(match.group(1))
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)

    def replace(match: re.Match[str]) -> str:
        attributes, classes = _attributes(match.group(1))
        class_attribute = f' class="{" ".join(classes)}"' if classes else ""
        return (f" {attributes}" if attributes else "") + class_attribute

    svg = _STYLE_ATTRIBUTE.sub(replace, svg)
    if root_attributes:
        svg = svg.replace("<svg ", f"<svg {root_attributes} ", 1)
    return svg
