"""Notice PDF download."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from api.deps import BackendDep, CurrentUser, Session
from api.errors import ERROR_RESPONSES, ApiError
from api.masking import case_reader
from api.routes.cases import must_be_plain
from config.logs import bind
from db import cases as store
from models.errors import ErrorCode

router = APIRouter(prefix="/api/v1", tags=["notices"], dependencies=[Depends(case_reader)])


@router.get(
    "/notices/{notice_id}.pdf",
    response_class=FileResponse,
    responses={**ERROR_RESPONSES, 200: {"content": {"application/pdf": {}}}},
    summary="下载文书 PDF",
)
async def notice_pdf(notice_id: str, user: CurrentUser, session: Session, b: BackendDep) -> FileResponse:
    must_be_plain(notice_id)
    row = await store.get_notice(session, notice_id)
    if row is not None:
        bind(case_id=row["case_id"])
    region = None if row is None else await store.get_region(session, row["case_id"])
    if row is None or region is None or not user.covers(region):
        raise ApiError(ErrorCode.NOT_FOUND)
    path = b.settings.notice_dir / row["path"]
    if not path.is_file():
        raise ApiError(ErrorCode.NOT_FOUND, "文书文件缺失，请联系管理员")
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=f"{row['doc_number']}.pdf",
        headers={"X-Content-SHA256": row["sha256"]},
    )
