"""Free text as recorded: the one size rule for every text field that enters the ledger.

Notes, sources, the recorder's name and the 报送表's narrative fields (进展情况 …) come from
`xlgl record`, a CSV, a filled 报送表, an exchange file or a seed; each path passes them through
`checked_text`, so a field is refused past MAX_TEXT characters the same way everywhere
(issue 15 #15: a 100 MB note once made `history` run for minutes).
"""

from __future__ import annotations

from xlgl.errors import InputError

MAX_TEXT = 4000  # characters of a note, a source or a narrative field


def checked_text(text: str | None, name: str = "") -> str | None:
    """A free-text field as recorded: None when empty or blank, else the text as given;
    InputError (naming `name`, the field, when given) past MAX_TEXT characters or when it holds
    a character no file can store (a lone surrogate)."""
    if text is None or not text.strip():
        return None
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate (\ud800) from JSON or argv
            field = f"{name} " if name else ""
            code = f"U+{ord(text[error.start]):04X}"
            raise InputError(f"{field}含无法保存的字符 {code}（孤立的代理码位）") from None
    if len(text) > MAX_TEXT:
        field = f"{name} " if name else ""
        raise InputError(
            f"{field}文字过长：{len(text)} 字，上限 {MAX_TEXT} 字（长材料请写文号或链接）"
        )
    return text
