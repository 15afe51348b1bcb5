"""Names and free text as they may enter a case: trimmed, NFC, bounded, and free of invisible characters.

A name or a statement ends up in a 行政执法文书 and in the public blacklist, so nothing that changes
how text is displayed without being seen may enter: control characters (Unicode category Cc),
format characters (Cf: right-to-left overrides such as U+202E, zero-width characters such as U+200B,
U+200D, U+FEFF), private-use (Co) and surrogate (Cs) code points, code points Unicode has not
assigned (Cn), and the line/paragraph separators U+2028/U+2029. Free multi-line text (descriptions,
reasons, comments) may contain line feeds; ``\\r\\n`` becomes ``\\n``; no other control character.

Person names: the middle dot of ethnic-minority and foreign names (阿卜杜热合曼·买买提) is U+00B7, as on
the resident identity card; the look-alikes people type instead (U+2022 •, U+2027 ‧, U+2219 ∙,
U+22C5 ⋅, U+30FB ・, U+FF65 ･) are accepted and stored as U+00B7, so one person has one spelling.

Lengths count code points after normalisation (NFC) and trimming.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from models.stored import at_the_edge

PERSON_NAME_MAX = 50
ORG_NAME_MAX = 100
ADDRESS_MAX = 200
REASON_MAX = 2000
COMMENT_MAX = 2000
DESCRIPTION_MAX = 5000

MIDDLE_DOT = "\u00b7"
MIDDLE_DOT_VARIANTS = frozenset("\u2022\u2027\u2219\u22c5\u30fb\uff65")
"""Typed in place of U+00B7 in names; stored as U+00B7."""

_REFUSED: dict[str, str] = {
    "Cc": "控制字符",
    "Cf": "不可见的格式字符（如从右向左覆盖符、零宽字符）",
    "Co": "私用区字符",
    "Cs": "无效的代理字符",
    "Cn": "未分配的字符",
    "Zl": "换行符（只允许普通换行）",
    "Zp": "分段符（只允许普通换行）",
}


def _refused_character(value: str, label: str, *, multiline: bool) -> None:
    for index, ch in enumerate(value):
        if ch == "\n" and multiline:
            continue
        if ch == "\r" and multiline and value[index + 1 : index + 2] == "\n":
            continue
        if ch in "\r\n" and not multiline:
            raise ValueError(f"{label}不能换行")
        what = _REFUSED.get(unicodedata.category(ch))
        if what is not None:
            raise ValueError(f"{label}含有不允许的{what}（U+{ord(ch):04X}，第{index + 1}个字符），请删除后重新提交")


def clean_text(value: Any, *, label: str, min_length: int, max_length: int, multiline: bool = False) -> str:
    """Refuse invisible and unassigned characters, normalise to NFC, trim, bound the length."""
    if not isinstance(value, str):
        raise ValueError(f"{label}应为文本（字符串）")
    _refused_character(value, label, multiline=multiline)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if len(text) < min_length:
        raise ValueError(f"{label}不能为空")
    if len(text) > max_length:
        raise ValueError(f"{label}不能超过{max_length}个字（现为{len(text)}个字）")
    return text


def _has_letter(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def clean_person_name(value: Any) -> str:
    text = clean_text(value, label="姓名", min_length=1, max_length=PERSON_NAME_MAX)
    text = "".join(MIDDLE_DOT if ch in MIDDLE_DOT_VARIANTS else ch for ch in text)
    if text.startswith(MIDDLE_DOT) or text.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in text:
        raise ValueError("姓名中的间隔号“·”只能用在两段姓名之间")
    if not _has_letter(text):
        raise ValueError("姓名应包含文字")
    return text


def clean_org_name(value: Any) -> str:
    text = clean_text(value, label="名称", min_length=1, max_length=ORG_NAME_MAX)
    if not _has_letter(text):
        raise ValueError("名称应包含文字")
    return text


def _schema(*, min_length: int, max_length: int, description: str) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, "description": description}
    if min_length:
        schema["minLength"] = min_length
    return WithJsonSchema(schema)


def _line(label: str, min_length: int, max_length: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        return clean_text(value, label=label, min_length=min_length, max_length=max_length)

    return check


def _lines(label: str, min_length: int, max_length: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        return clean_text(value, label=label, min_length=min_length, max_length=max_length, multiline=True)

    return check


_ONE_LINE = "一行文本，不含控制字符或不可见字符"
_MULTI_LINE = "可换行（\\n）的文本，不含其他控制字符或不可见字符"

PersonName = Annotated[
    str,
    BeforeValidator(at_the_edge(clean_person_name)),
    _schema(
        min_length=1,
        max_length=PERSON_NAME_MAX,
        description=f"姓名：{_ONE_LINE}；少数民族和外国人姓名的间隔号为“·”（U+00B7）",
    ),
]
"""A person's name: 1–50 characters, one line; U+00B7 between name parts."""

OrgName = Annotated[
    str,
    BeforeValidator(at_the_edge(clean_org_name)),
    _schema(min_length=1, max_length=ORG_NAME_MAX, description=f"单位或项目名称：{_ONE_LINE}"),
]
"""An organisation's or a project's name: 1–100 characters, one line."""

Address = Annotated[
    str,
    BeforeValidator(at_the_edge(_line("地址", 1, ADDRESS_MAX))),
    _schema(min_length=1, max_length=ADDRESS_MAX, description=f"地址：{_ONE_LINE}"),
]
"""A postal address: 1–200 characters, one line."""

Reason = Annotated[
    str,
    BeforeValidator(at_the_edge(_lines("内容", 1, REASON_MAX))),
    _schema(min_length=1, max_length=REASON_MAX, description=_MULTI_LINE),
]
"""A short reason or statement: 1–2000 characters, may span lines."""

Comment = Annotated[
    str,
    BeforeValidator(at_the_edge(_lines("备注", 0, COMMENT_MAX))),
    _schema(min_length=0, max_length=COMMENT_MAX, description=_MULTI_LINE),
]
"""An optional comment on an action: up to 2000 characters, may be empty, may span lines."""

Text = Annotated[
    str,
    BeforeValidator(at_the_edge(_lines("情况说明", 0, DESCRIPTION_MAX))),
    _schema(min_length=0, max_length=DESCRIPTION_MAX, description=f"情况说明：{_MULTI_LINE}"),
]
"""Free text such as a complaint's description: up to 5000 characters, may be empty, may span lines."""

Token = Annotated[
    str,
    BeforeValidator(at_the_edge(_line("编号", 1, 80))),
    _schema(min_length=1, max_length=80, description="编号：一行文本"),
]
"""An identifier typed or pasted by a person (a notice id): 1–80 characters, one line."""
