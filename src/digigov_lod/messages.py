"""Messages for people, in English with a Swedish wording alongside.

A :class:`Message` is the English text (it is a ``str``, so logs, JSON errors and exceptions use it
unchanged) and carries its Swedish wording, which pages show to Swedish readers. It survives
pickling, so an engine process can send one back to the web process.
"""

from __future__ import annotations


class Message(str):
    sv: str | None

    def __new__(cls, en: str, sv: str | None = None) -> Message:  # sv may come later, from pickle's state
        message = super().__new__(cls, en)
        message.sv = sv
        return message


def worded(message: object, lang: str) -> str:
    """``message`` in the reader's language, where it has a wording in it."""
    if lang == "sv" and isinstance(message, Message) and message.sv:
        return message.sv
    return str(message)


def message_of(exc: BaseException) -> str:
    """What an exception says, keeping a :class:`Message` (``str(exc)`` would drop the Swedish)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Message) else str(exc)
