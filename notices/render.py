"""Render a notice to PDF with typst: milliseconds per page, CJK fonts embedded.

Data goes to the template as JSON through ``sys.inputs``; templates insert it as strings, so
names containing typst markup, template syntax or HTML appear literally.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typst

from models.notices import NoticeContext, NoticeKind
from notices.amounts import amount_in_words, format_yuan, zh_date

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto-cjk"),
)
CJK_FONT_GLOB = "NotoSerifCJK*"


class FontsMissingError(RuntimeError):
    """No CJK font: a notice without its glyphs would be unreadable, so refuse to render."""

    def __init__(self) -> None:
        super().__init__("未找到中文字体（Noto Serif CJK）：请安装 Debian 软件包 fonts-noto-cjk")


def payload(ctx: NoticeContext) -> dict[str, Any]:
    """Everything formatted in Python; the template only lays it out."""
    return {
        "title": ctx.title,
        "bureau_name": ctx.bureau_name,
        "doc_number": ctx.doc_number,
        "addressee": ctx.addressee,
        "paragraphs": ctx.paragraphs,
        "legal_basis": ctx.legal_basis,
        "rights": ctx.rights,
        "issued_on_zh": zh_date(ctx.issued_on),
        "contact": ctx.contact,
        "workers": [{"name": w.name, "id_masked": w.id_masked, "amount": format_yuan(w.amount)} for w in ctx.workers],
        "total_figures": format_yuan(ctx.total_amount) if ctx.total_amount is not None else "",
        "total_words": amount_in_words(ctx.total_amount) if ctx.total_amount is not None else "",
        "due_zh": zh_date(ctx.due) if ctx.due else "",
    }


class NoticeRenderer:
    """One typst compiler per template, built once (fonts loaded once) and reused under a lock."""

    def __init__(self, font_dirs: Sequence[Path] | None = None) -> None:
        dirs = [d for d in (font_dirs or DEFAULT_FONT_DIRS) if d.is_dir()]
        if not any(any(d.glob(CJK_FONT_GLOB)) for d in dirs):
            raise FontsMissingError()
        self._font_paths = [str(d) for d in dirs]
        self._compilers: dict[NoticeKind, Any] = {}
        self._lock = threading.Lock()

    def _compiler(self, kind: NoticeKind) -> Any:
        compiler = self._compilers.get(kind)
        if compiler is None:
            compiler = typst.Compiler(
                str(TEMPLATES / f"{kind.value}.typ"),
                root=str(TEMPLATES),
                font_paths=self._font_paths,
                ignore_system_fonts=True,
            )
            self._compilers[kind] = compiler
        return compiler

    def render(self, ctx: NoticeContext) -> bytes:
        data = json.dumps(payload(ctx), ensure_ascii=False)
        with self._lock:
            pdf = self._compiler(ctx.kind).compile(format="pdf", sys_inputs={"data": data})
        assert isinstance(pdf, bytes)
        return pdf
