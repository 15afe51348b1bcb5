"""Render a notice to PDF with typst: a few milliseconds per notice, CJK fonts embedded.

Injection safety: nothing from a case is ever spliced into typst markup. The context goes to the
template as one JSON string through ``sys.inputs``; the templates decode it and place each value
as a string, so a name such as ``#set page(width: 1pt)`` or ``*x* $y$`` is printed literally.

The bureau's electronic seal is read here, from the configured file, and handed over the same way (a
JSON array of its bytes): the compiler's root is the templates folder, so it could not read the file.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typst

from models.notices import NoticeContext, NoticeKind, NoticeWorkerLine
from notices.amounts import amount_in_words, format_yuan, zh_date, zh_datetime

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Where Debian's fonts-noto-cjk puts its files (and where older releases and other distros do).
DEFAULT_FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/opentype/noto-cjk"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
)
BODY_FONT = "Noto Serif CJK SC"  # the templates' only face: FangSong and 小标宋 are not free fonts
# Image formats typst reads, by the seal file's first bytes (the suffix may lie).
_SEAL_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif"))
MAX_SEAL_BYTES = 2 * 1024 * 1024


class FontsMissingError(RuntimeError):
    """No CJK serif font: a notice printed in tofu boxes is worse than none, so refuse to start."""

    def __init__(self, searched: Sequence[Path]) -> None:
        where = "、".join(str(d) for d in searched) or "（未指定目录）"
        super().__init__(
            f"未找到中文字体 {BODY_FONT}（已查找：{where}）。"
            "请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），或指定含该字体的目录。"
        )


def _worker(line: NoticeWorkerLine) -> dict[str, str]:
    row = {"name": line.name, "id_masked": line.id_masked, "amount": format_yuan(line.amount)}
    if line.compensation is not None:
        row["compensation"] = format_yuan(line.compensation)
    return row


def payload(ctx: NoticeContext) -> dict[str, Any]:
    """Everything the template prints, already formatted in Python (大写, zh dates, separators),
    so the template only lays out strings and never computes with user data."""
    total, compensation = ctx.total_amount, ctx.total_compensation
    both = total + compensation if total is not None and compensation is not None else None
    return {
        "kind": ctx.kind.value,
        "title": ctx.title,
        "subtitle": ctx.subtitle,
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
        "workers": [_worker(w) for w in ctx.workers],
        "total_figures": format_yuan(total) if total is not None else "",
        "total_words": amount_in_words(total) if total is not None else "",
        # the decision's notices: 加付赔偿金 beside the wages, and both together
        "total_compensation_figures": format_yuan(compensation) if compensation is not None else "",
        "total_compensation_words": amount_in_words(compensation) if compensation is not None else "",
        "grand_total_figures": format_yuan(both) if both is not None else "",
        "grand_total_words": amount_in_words(both) if both is not None else "",
        "served_title": ctx.served_title,
        "served_doc_number": ctx.served_doc_number,
        "served_at_zh": zh_datetime(ctx.served_at) if ctx.served_at else "",
        "service_method": ctx.service_method,
        "service_recipient": ctx.service_recipient,
        "remarks": ctx.remarks,
        "party_address": ctx.party_address,
        "seal_format": "",
    }


def seal_format(image: bytes) -> str | None:
    """png, jpg, gif or svg by content; None for anything else."""
    for magic, fmt in _SEAL_MAGIC:
        if image.startswith(magic):
            return fmt
    head = image[:1024].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in image[:4096].lower():
        return "svg"
    return None


def read_seal(path: str) -> tuple[bytes, str] | None:
    """The seal image and its format, or None (no seal configured, file missing, unreadable or not an
    image): the notice then shows the place for a wet seal instead of failing."""
    if not path:
        return None
    file = Path(path)
    try:
        if not file.is_file() or file.stat().st_size > MAX_SEAL_BYTES:
            log.warning("seal image %s missing or too large; printing the place for the seal", path)
            return None
        image = file.read_bytes()
    except OSError as exc:
        log.warning("seal image %s unreadable (%s); printing the place for the seal", path, exc)
        return None
    fmt = seal_format(image)
    if fmt is None:
        log.warning("seal image %s is not PNG, JPEG, GIF or SVG; printing the place for the seal", path)
        return None
    return image, fmt


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
        data = payload(ctx)
        inputs = {"seal": ""}
        seal = read_seal(ctx.seal_image)
        if seal is not None:
            data["seal_format"] = seal[1]
            inputs["seal"] = json.dumps(list(seal[0]), separators=(",", ":"))
        inputs["data"] = json.dumps(data, ensure_ascii=False)
        template = str(TEMPLATES / f"{ctx.kind.value}.typ")
        with self._lock:
            pdf = self._compiler.compile(input=template, format="pdf", sys_inputs=inputs)
        if not isinstance(pdf, bytes):
            raise TypeError(f"typst returned {type(pdf).__name__} instead of PDF bytes")
        return pdf
