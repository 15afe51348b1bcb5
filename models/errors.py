"""Error taxonomy: stable codes, static zh-CN messages (never personal data), one HTTP status each."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    VALIDATION_FAILED = "validation_failed"
    UNKNOWN_ACTION = "unknown_action"
    STAGE_NOT_ALLOWED = "stage_not_allowed"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    UNKNOWN_WORKER = "unknown_worker"
    DUPLICATE_WORKER = "duplicate_worker"
    OVERPAYMENT = "overpayment"
    OUTSTANDING_NOT_ZERO = "outstanding_not_zero"
    ORDER_DUE_NOT_AFTER_TODAY = "order_due_not_after_today"
    NOTHING_OUTSTANDING = "nothing_outstanding"
    BACKEND_UNAVAILABLE = "backend_unavailable"
    INTERNAL = "internal"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.UNAUTHENTICATED: "未登录或令牌无效",
    ErrorCode.FORBIDDEN: "无权执行此操作",
    ErrorCode.NOT_FOUND: "未找到该案件或文书",
    ErrorCode.VALIDATION_FAILED: "提交的内容有误，请按提示修改",
    ErrorCode.UNKNOWN_ACTION: "不存在该办案操作",
    ErrorCode.STAGE_NOT_ALLOWED: "案件当前阶段不允许此操作",
    ErrorCode.ROLE_NOT_ALLOWED: "您的角色无权执行此操作",
    ErrorCode.UNKNOWN_WORKER: "本案中没有该身份证号码对应的劳动者",
    ErrorCode.DUPLICATE_WORKER: "同一劳动者在一次提交中重复出现",
    ErrorCode.OVERPAYMENT: "支付金额超过该劳动者尚欠工资",
    ErrorCode.OUTSTANDING_NOT_ZERO: "尚有欠薪未清偿，不能以该理由结案",
    ErrorCode.ORDER_DUE_NOT_AFTER_TODAY: "限期支付日期必须晚于今天",
    ErrorCode.NOTHING_OUTSTANDING: "本案已无欠薪，无需责令支付",
    ErrorCode.BACKEND_UNAVAILABLE: "办案引擎暂时不可用，请稍后重试，本次提交未生效",
    ErrorCode.INTERNAL: "系统内部错误，本次提交未生效",
}

HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.UNKNOWN_ACTION: 404,
    ErrorCode.STAGE_NOT_ALLOWED: 409,
    ErrorCode.ROLE_NOT_ALLOWED: 403,
    ErrorCode.UNKNOWN_WORKER: 422,
    ErrorCode.DUPLICATE_WORKER: 422,
    ErrorCode.OVERPAYMENT: 409,
    ErrorCode.OUTSTANDING_NOT_ZERO: 409,
    ErrorCode.ORDER_DUE_NOT_AFTER_TODAY: 422,
    ErrorCode.NOTHING_OUTSTANDING: 409,
    ErrorCode.BACKEND_UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}

ACTION_REFUSED = "ActionRefused"
"""ApplicationError type a workflow uses when it refuses an action; the API maps it by code."""


class Refusal(Exception):
    """A rule refused an action; carries a code and a static zh-CN message."""

    def __init__(self, code: ErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)
