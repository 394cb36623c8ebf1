"""JSON text that is safe inside ``<script type="application/ld+json">``.

``<``, ``>`` and ``&`` become JSON unicode escapes, so no literal (``</script>``, ``<!--``) can
end or alter the script element, while the JSON still parses to the same value.
"""

from __future__ import annotations

from markupsafe import Markup


def script_json(json_text: str) -> Markup:
    escaped = (
        json_text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return Markup(escaped)
