"""Names and free text: invisible characters refused, NFC, trimmed, bounded; middle-dot names work."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from models.actions import RecordPaymentBody, RecordServiceBody, RecordSupplementBody, RejectBody
from models.case import CaseIntake
from models.text import Comment, OrgName, PersonName, Reason, Text
from tests.builders import intake_body, make_id

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


class M(BaseModel):
    person: PersonName | None = None
    org: OrgName | None = None
    reason: Reason | None = None
    comment: Comment | None = None
    text: Text | None = None


def error_of(**fields: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        M(**fields)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return str(errors[0]["msg"])


@pytest.mark.parametrize(
    "name",
    [
        "阿卜杜热合曼·买买提",  # U+00B7, as on the identity card
        "Mary·Smith",
        "阿依古丽·艾合买提·吐尔逊",
        "张三",
        "欧阳娜娜",
        "𠮷野家",  # a CJK Extension B character (outside the BMP)
        "José García",
    ],
)
def test_names_accepted(name: str) -> None:
    assert M(person=name).person == name


@pytest.mark.parametrize("dot", ["\u2022", "\u30fb", "\uff65", "\u2027", "\u2219", "\u22c5"])
def test_middle_dot_look_alikes_become_u00b7(dot: str) -> None:
    assert M(person=f"阿卜杜热合曼{dot}买买提").person == "阿卜杜热合曼·买买提"
    assert M(person=f"Mary{dot}Smith").person == "Mary·Smith"


@pytest.mark.parametrize("name", ["·买买提", "买买提·", "阿卜杜热合曼··买买提"])
def test_middle_dot_only_between_parts(name: str) -> None:
    assert "间隔号" in error_of(person=name)


@pytest.mark.parametrize(
    ("char", "needle"),
    [
        ("\u202e", "格式字符"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u202d", "格式字符"),  # LEFT-TO-RIGHT OVERRIDE
        ("\u2066", "格式字符"),  # LEFT-TO-RIGHT ISOLATE
        ("\u200b", "格式字符"),  # ZERO WIDTH SPACE
        ("\u200d", "格式字符"),  # ZERO WIDTH JOINER
        ("\ufeff", "格式字符"),  # BYTE ORDER MARK / ZERO WIDTH NO-BREAK SPACE
        ("\u00ad", "格式字符"),  # SOFT HYPHEN
        ("\x00", "控制字符"),
        ("\x07", "控制字符"),
        ("\x1b", "控制字符"),
        ("\t", "控制字符"),
        ("\x7f", "控制字符"),
        ("\x85", "控制字符"),
        ("\ue000", "私用区"),  # private use
        ("\U000f0000", "私用区"),  # supplementary private use
        ("\ud800", "代理"),  # a lone surrogate (reachable through a JSON \\ud800 escape)
        ("\u0378", "未分配"),  # unassigned in Greek and Coptic
        ("\U000e0080", "未分配"),
        ("\u2028", "换行符"),
        ("\u2029", "分段符"),
    ],
)
def test_invisible_and_unassigned_characters_refused(char: str, needle: str) -> None:
    assert unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
    for field in ("person", "org", "reason", "comment", "text"):
        message = error_of(**{field: f"张三{char}公司"})
        assert needle in message and f"U+{ord(char):04X}" in message, message


def test_the_rtl_override_trick_is_refused_everywhere() -> None:
    """ "某某公司\u202e司公" would display reversed: the name on a notice would not be what was typed."""
    spoofed = "某某劳务\u202e司公限有"
    assert "U+202E" in error_of(org=spoofed)
    assert "U+202E" in error_of(person=spoofed)


@pytest.mark.parametrize("field", ["person", "org"])
def test_names_are_one_line(field: str) -> None:
    assert "换行" in error_of(**{field: "张三\n李四"})
    assert "换行" in error_of(**{field: "张三\r\n李四"})
    assert "换行" in error_of(**{field: "张三\r李四"})


@pytest.mark.parametrize("field", ["reason", "comment", "text"])
def test_free_text_keeps_line_feeds_and_normalises_crlf(field: str) -> None:
    value = getattr(M(**{field: "第一行\r\n第二行\n第三行"}), field)
    assert value == "第一行\n第二行\n第三行"
    assert "控制字符" in error_of(**{field: "第一行\r第二行"})  # a lone CR is not a line break we keep
    assert "控制字符" in error_of(**{field: "第一行\t第二行"})


def test_trimmed_and_nfc() -> None:
    decomposed = "Jose\u0301 Garci\u0301a"  # e + COMBINING ACUTE ACCENT
    assert unicodedata.is_normalized("NFD", decomposed)
    m = M(person=f"  {decomposed}\u3000", org=" 某某公司 ", text="  说明 \n")
    assert m.person == "José García" and unicodedata.is_normalized("NFC", m.person)
    assert len(m.person) == 11
    assert m.org == "某某公司" and m.text == "说明"


@pytest.mark.parametrize(
    ("field", "limit"),
    [("person", 50), ("org", 100), ("reason", 2000), ("comment", 2000), ("text", 5000)],
)
def test_length_bounds(field: str, limit: int) -> None:
    assert len(getattr(M(**{field: "字" * limit}), field)) == limit
    message = error_of(**{field: "字" * (limit + 1)})
    assert str(limit) in message and str(limit + 1) in message
    # the bound counts characters after NFC: a decomposed é is one character
    assert len(getattr(M(**{field: "e\u0301" * limit}), field)) == limit


@pytest.mark.parametrize("field", ["person", "org", "reason"])
def test_required_text_may_not_be_blank(field: str) -> None:
    assert "不能为空" in error_of(**{field: "   "})
    assert "不能为空" in error_of(**{field: ""})


def test_optional_text_may_be_empty() -> None:
    assert M(comment="  ", text="").comment == ""


@pytest.mark.parametrize("field", ["person", "org"])
def test_names_need_a_letter(field: str) -> None:
    assert "文字" in error_of(**{field: "123"})
    assert "文字" in error_of(**{field: "、、"})


@pytest.mark.parametrize("value", [12, 1.5, True, ["张三"], {"name": "张三"}])
def test_text_must_be_a_string(value: object) -> None:
    for field in ("person", "org", "reason", "comment", "text"):
        assert "应为文本" in error_of(**{field: value})


def test_intake_uses_the_rules() -> None:
    body = intake_body(description="第一行\r\n第二行")
    body["workers"][0]["name"] = "阿卜杜热合曼・买买提"  # U+30FB
    body["employer"]["legal_representative"] = "Mary•Smith"  # U+2022
    intake = CaseIntake.model_validate(body)
    assert intake.workers[0].name == "阿卜杜热合曼·买买提"
    assert intake.employer.legal_representative == "Mary·Smith"
    assert intake.description == "第一行\n第二行"
    for path, value in [
        (("workers", 0, "name"), "张\u202e三"),
        (("complainant", "name"), "张\u200b三"),
        (("employer", "name"), "某某\x01公司"),
        (("employer", "address"), "地址\n第二行"),
        (("project", "name"), "项" * 101),
        (("project", "general_contractor", "name"), "\ufeff某建设集团"),
        (("workers", 0, "name"), "字" * 51),
    ]:
        bad = json.loads(json.dumps(body))
        target: Any = bad
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        with pytest.raises(ValidationError) as caught:
            CaseIntake.model_validate(bad)
        assert [e["loc"] for e in caught.value.errors()] == [path], caught.value.errors()


def test_intake_refuses_a_lone_surrogate_from_json() -> None:
    """Python's json (which FastAPI uses) decodes a ``\\ud800`` escape to a lone surrogate, which no JSON
    encoder can write back: it must be refused here, not fail later on the way to Temporal."""
    raw = json.dumps(intake_body(), ensure_ascii=False).replace("工人1", "\\ud800工人")
    with pytest.raises(ValidationError, match="U\\+D800"):
        CaseIntake.model_validate(json.loads(raw))


def test_action_bodies_use_the_rules() -> None:
    assert RejectBody.model_validate({"reason": " 属于劳动争议\r\n见附件 ", "comment": "备注"}).reason == (
        "属于劳动争议\n见附件"
    )
    with pytest.raises(ValidationError, match="U\\+202E"):
        RejectBody.model_validate({"reason": "属于\u202e劳动争议"})
    with pytest.raises(ValidationError, match="2000"):
        RejectBody.model_validate({"reason": "理由", "comment": "字" * 2001})
    with pytest.raises(ValidationError, match="U\\+200B"):
        RecordServiceBody.model_validate(
            {"notice_id": "N-1\u200b", "served_at": "2026-11-21T09:00:00+08:00", "method": "direct"}
        )


@pytest.mark.parametrize("value", [1700000000, "1700000000", "2026-11-21", "0001-01-01T00:00:00+08:00", True])
def test_action_datetimes_are_strings_after_the_regulation(value: object) -> None:
    with pytest.raises(ValidationError):
        RecordSupplementBody.model_validate({"received_at": value})
    with pytest.raises(ValidationError):
        RecordPaymentBody.model_validate({"payments": [{"id_number": make_id(1), "amount": "1", "paid_at": value}]})
    assert RecordSupplementBody.model_validate({"received_at": NOW}).received_at == NOW  # code may pass datetimes
