"""Render a notice to PDF with typst: a few milliseconds per notice, CJK fonts embedded.

Injection safety: nothing from a case is ever spliced into typst markup. The context goes to the
template as one JSON string through ``sys.inputs``; the templates decode it and place each value
as a string, so a name such as ``#set page(width: 1pt)`` or ``*x* $y$`` is printed literally.
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

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Where Debian's fonts-noto-cjk puts its files (and where older releases and other distros do).
DEFAULT_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/opentype/noto-cjk"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
)
BODY_FONT = "Noto Serif CJK SC"  # the templates' only face: FangSong and 小标宋 are not free fonts


class FontsMissingError(RuntimeError):
    """No CJK serif font: a notice printed in tofu boxes is worse than none, so refuse to start."""

    def __init__(self, searched: Sequence[Path]) -> None:
        where = "、".join(str(d) for d in searched) or "（未指定目录）"
        super().__init__(
            f"未找到中文字体 {BODY_FONT}（已查找：{where}）。"
            "请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），或指定含该字体的目录。"
        )


def payload(ctx: NoticeContext) -> dict[str, Any]:
    """Everything the template prints, already formatted in Python (大写, zh dates, separators),
    so the template only lays out strings and never computes with user data."""
    total = ctx.total_amount
    return {
        "kind": ctx.kind.value,
        "title": ctx.title,
        "bureau_name": ctx.bureau_name,
        "doc_number": ctx.doc_number,
        "addressee": ctx.addressee,
        "case_number": ctx.case_number or "",
        "paragraphs": ctx.paragraphs,
        "legal_basis": ctx.legal_basis,
        "rights": ctx.rights,
        "issued_on_zh": zh_date(ctx.issued_on),
        "due_zh": zh_date(ctx.due) if ctx.due else "",
        "contact": ctx.contact,
        "workers": [{"name": w.name, "id_masked": w.id_masked, "amount": format_yuan(w.amount)} for w in ctx.workers],
        "total_figures": format_yuan(total) if total is not None else "",
        "total_words": amount_in_words(total) if total is not None else "",
    }


class NoticeRenderer:
    """One typst compiler for all notice kinds, built once (font index loaded once) and reused.

    The compiler is not safe to share between threads and activities render in threads
    (``asyncio.to_thread``), so compilations are serialised by a lock; each takes milliseconds.
    """

    def __init__(self, font_dirs: Sequence[Path] | None = None) -> None:
        searched = [Path(d) for d in (DEFAULT_FONT_DIRS if font_dirs is None else font_dirs)]
        dirs = [d for d in searched if d.is_dir()]
        if not dirs:
            raise FontsMissingError(searched)
        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(d) for d in dirs])
        if BODY_FONT not in fonts.families():
            raise FontsMissingError(searched)
        missing = [k.value for k in NoticeKind if not (TEMPLATES / f"{k.value}.typ").is_file()]
        if missing:
            raise FileNotFoundError(f"notice templates missing under {TEMPLATES}: {', '.join(missing)}")
        self.font_dirs = dirs
        self._compiler = typst.Compiler(root=str(TEMPLATES), font_paths=fonts, ignore_system_fonts=True)
        self._lock = threading.Lock()

    def render(self, ctx: NoticeContext) -> bytes:
        """The notice as PDF bytes; same context, same bytes (no timestamp, no random IDs)."""
        data = json.dumps(payload(ctx), ensure_ascii=False)
        template = str(TEMPLATES / f"{ctx.kind.value}.typ")
        with self._lock:
            pdf = self._compiler.compile(input=template, format="pdf", sys_inputs={"data": data})
        if not isinstance(pdf, bytes):
            raise TypeError(f"typst returned {type(pdf).__name__} instead of PDF bytes")
        return pdf
