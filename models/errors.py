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
    REASON_CODE_REQUIRED = "reason_code_required"
    TIME_BARRED = "time_barred"
    NOT_TIME_BARRED = "not_time_barred"
    SUPPLEMENT_PENDING = "supplement_pending"
    NO_SUPPLEMENT_REQUESTED = "no_supplement_requested"
    NOTHING_WAS_OWED = "nothing_was_owed"
    VIOLATION_FOUND = "violation_found"
    NOT_CORRECTED = "not_corrected"
    HEAD_APPROVAL_REQUIRED = "head_approval_required"
    DUPLICATE_PAYMENT = "duplicate_payment"
    DUPLICATE_AID = "duplicate_aid"
    PAID_BEFORE_OWED = "paid_before_owed"
    UNKNOWN_NOTICE = "unknown_notice"
    ALREADY_SERVED = "already_served"
    NOT_SERVABLE = "not_servable"
    CONSENT_REQUIRED = "consent_required"
    SERVED_BEFORE_ISSUE = "served_before_issue"
    SERVED_AFTER_DUE = "served_after_due"
    IN_THE_FUTURE = "in_the_future"
    NO_GENERAL_CONTRACTOR = "no_general_contractor"
    SUPPLEMENT_BEFORE_REQUEST = "supplement_before_request"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    BODY_INVALID = "body_invalid"
    BACKEND_UNAVAILABLE = "backend_unavailable"
    DATABASE_UNAVAILABLE = "database_unavailable"
    INTERNAL = "internal"
    ALREADY_EXTENDED = "already_extended"
    INVESTIGATION_EXPIRED = "investigation_expired"
    NO_INVESTIGATION_DEADLINE = "no_investigation_deadline"
    CLEAR_DUE_NOT_AFTER_TODAY = "clear_due_not_after_today"
    ORDER_NOT_SERVED = "order_not_served"
    ORDER_NOT_DUE = "order_not_due"
    DECISION_ALREADY_PROPOSED = "decision_already_proposed"
    NO_DECISION_NOTICE = "no_decision_notice"
    DECISION_NOTICE_NOT_SERVED = "decision_notice_not_served"
    DEFENSE_PERIOD_RUNNING = "defense_period_running"
    ALREADY_DECIDED = "already_decided"
    NO_DEFENSE_OPEN = "no_defense_open"
    HEAVIER_THAN_NOTICED = "heavier_than_noticed"
    PENALTY_OUT_OF_RANGE = "penalty_out_of_range"
    PENALTY_ALREADY_PROPOSED = "penalty_already_proposed"
    NO_PENALTY_PROPOSED = "no_penalty_proposed"
    PENALTY_NOTICE_NOT_SERVED = "penalty_notice_not_served"
    NO_HEARING_RIGHT = "no_hearing_right"
    HEARING_WINDOW_CLOSED = "hearing_window_closed"
    HEARING_ALREADY_REQUESTED = "hearing_already_requested"
    NO_HEARING_REQUESTED = "no_hearing_requested"
    HEARING_TOO_SOON = "hearing_too_soon"
    HEARING_NOT_SCHEDULED = "hearing_not_scheduled"
    HEARING_PENDING = "hearing_pending"
    HEARING_WINDOW_OPEN = "hearing_window_open"
    PENALTY_DEFENSE_RUNNING = "penalty_defense_running"
    LEGAL_REVIEW_MISSING = "legal_review_missing"
    COLLECTIVE_DISCUSSION_MISSING = "collective_discussion_missing"
    PENALTY_TIME_LIMIT = "penalty_time_limit"
    HEAVIER_AFTER_DEFENSE = "heavier_after_defense"
    AMOUNT_REQUIRED = "amount_required"
    DEFENSE_AMBIGUOUS = "defense_ambiguous"
    NOT_SERVED_YET = "not_served_yet"
    ALREADY_CHALLENGED = "already_challenged"
    CHALLENGE_TOO_LATE = "challenge_too_late"
    NO_FINE_IMPOSED = "no_fine_imposed"
    FINE_ALREADY_PAID = "fine_already_paid"
    ENFORCEMENT_NOT_DUE = "enforcement_not_due"
    ENFORCEMENT_FILING_REQUIRED = "enforcement_filing_required"
    ENFORCEMENT_PENDING = "enforcement_pending"
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_REVOKED = "token_revoked"
    TOO_MANY_SIGN_IN_FAILURES = "too_many_sign_in_failures"
    TRACK_ALREADY_OPEN = "track_already_open"
    NO_TRACK = "no_track"
    TOO_MANY_TRACKS = "too_many_tracks"
    THRESHOLD_NOT_MET = "threshold_not_met"
    LEGAL_REPRESENTATIVE_REQUIRED = "legal_representative_required"
    DUPLICATE_PARTY = "duplicate_party"
    UNKNOWN_PARTY = "unknown_party"
    NOTICE_NOT_SERVED = "notice_not_served"
    NOT_PAID_IN_FULL = "not_paid_in_full"
    REMOVAL_TOO_EARLY = "removal_too_early"
    NO_REMOVAL_APPLICATION = "no_removal_application"
    REMOVAL_PENDING = "removal_pending"
    NOTHING_TO_PUBLISH = "nothing_to_publish"
    ALREADY_PUBLISHED = "already_published"
    WINDOW_CLOSED = "window_closed"


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
    ErrorCode.REASON_CODE_REQUIRED: "不予受理须选择理由代码（reason_code）：time_barred、labour_dispute、"
    "not_in_remit 或 other_territory",
    ErrorCode.TIME_BARRED: "该投诉所涉欠薪行为终了已超过两年（《劳动保障监察条例》第二十条），"
    "如认为未超过时效，请在 not_time_barred_because 中写明理由",
    ErrorCode.NOT_TIME_BARRED: "按登记的欠薪期间，该投诉未超过两年查处时效，不能以超过时效为由不予受理",
    ErrorCode.SUPPLEMENT_PENDING: "已通知投诉人补正材料，收到补正材料前不能受理",
    ErrorCode.NO_SUPPLEMENT_REQUESTED: "本案没有待补正的材料",
    ErrorCode.NOTHING_WAS_OWED: "经认定本案欠薪金额为零，应以“未发现违法行为”（no_violation）结案，不能以“已清偿”结案",
    ErrorCode.VIOLATION_FOUND: "本案认定存在欠薪，不能以“未发现违法行为”结案；请先记录认定金额为零的调查结论",
    ErrorCode.NOT_CORRECTED: "尚有欠薪未清偿，不属于“情节轻微且已改正”，不能以该理由结案",
    ErrorCode.HEAD_APPROVAL_REQUIRED: "尚有欠薪未清偿时以投诉人撤回结案，"
    "须经劳动保障行政部门负责人批准（由负责人执行结案）",
    ErrorCode.DUPLICATE_PAYMENT: "该笔支付（同一劳动者、金额、支付时间和支付方）已登记过，未重复登记",
    ErrorCode.DUPLICATE_AID: "该笔救助（同一劳动者、金额、发放时间）已登记过，未重复登记",
    ErrorCode.PAID_BEFORE_OWED: "支付时间早于该劳动者欠薪起始日期，请核对",
    ErrorCode.UNKNOWN_NOTICE: "本案中没有该文书",
    ErrorCode.ALREADY_SERVED: "该文书已登记送达",
    ErrorCode.NOT_SERVABLE: "送达回证本身不需要送达",
    ErrorCode.CONSENT_REQUIRED: "电子送达须受送达人同意，请填写同意电子送达的记录（electronic_consent）",
    ErrorCode.SERVED_BEFORE_ISSUE: "送达时间不能早于文书作出时间",
    ErrorCode.SERVED_AFTER_DUE: "送达日期不早于指令书限定的支付期限，期限已无意义，请重新作出指令书",
    ErrorCode.IN_THE_FUTURE: "时间不能晚于当前时间",
    ErrorCode.NO_GENERAL_CONTRACTOR: "本案未登记施工总承包单位，不能向总承包单位发出指令书",
    ErrorCode.SUPPLEMENT_BEFORE_REQUEST: "补正材料的收到时间不能早于通知补正的时间",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "该 Idempotency-Key 已用于内容不同的另一次登记，请换用新的键",
    ErrorCode.PAYLOAD_TOO_LARGE: "提交的内容过大，超过办案引擎单次可接收的上限",
    ErrorCode.BODY_INVALID: "请求体无法解析",
    ErrorCode.BACKEND_UNAVAILABLE: "办案引擎暂时不可用，请稍后重试，本次提交未生效",
    ErrorCode.DATABASE_UNAVAILABLE: (
        "案件数据库暂时无法连接，请稍后重试；已受理的办案操作不会丢失，恢复后会自动完成，"
        "请在案件历史中核对后再决定是否重新提交"
    ),
    ErrorCode.INTERNAL: "系统内部错误，本次提交未生效",
    ErrorCode.ALREADY_EXTENDED: "调查期限已经延长过一次（《劳动保障监察条例》第十七条只允许延长一次）",
    ErrorCode.INVESTIGATION_EXPIRED: "调查期限已届满，不能再批准延长；请尽快办结，逾期情况已提级督办",
    ErrorCode.NO_INVESTIGATION_DEADLINE: "本案没有正在计算的调查期限，无需延长",
    ErrorCode.CLEAR_DUE_NOT_AFTER_TODAY: "清零期限必须晚于今天",
    ErrorCode.ORDER_NOT_SERVED: "指令书尚未送达：未送达的指令书不能作为作出行政处理决定的依据，请先登记送达",
    ErrorCode.ORDER_NOT_DUE: (
        "指令书限定的支付期限尚未届满，不能作出行政处理决定（《劳动保障监察条例》第二十六条：逾期不支付的）"
    ),
    ErrorCode.DECISION_ALREADY_PROPOSED: "本案已发出行政处理事先告知书，无需重复告知",
    ErrorCode.NO_DECISION_NOTICE: "作出行政处理决定前，应先发出行政处理事先告知书，听取当事人陈述申辩",
    ErrorCode.DECISION_NOTICE_NOT_SERVED: "行政处理事先告知书尚未送达，陈述申辩期尚未起算，不能作出决定",
    ErrorCode.DEFENSE_PERIOD_RUNNING: "陈述申辩期尚未届满，当事人也未提出陈述申辩，暂不能作出决定",
    ErrorCode.ALREADY_DECIDED: "本案已作出行政处理决定，不能重复决定",
    ErrorCode.NO_DEFENSE_OPEN: "本案没有正在听取陈述申辩的告知，无法登记陈述申辩",
    ErrorCode.HEAVIER_THAN_NOTICED: (
        "决定不得重于事先告知书告知的内容（加付赔偿金比例或罚款数额）；确需加重的，应重新告知并听取陈述申辩"
    ),
    ErrorCode.PENALTY_OUT_OF_RANGE: "罚款数额超出所依据条款规定的幅度",
    ErrorCode.PENALTY_ALREADY_PROPOSED: "本案已发出行政处罚事先告知书，不能重复告知",
    ErrorCode.NO_PENALTY_PROPOSED: (
        "本案尚未发出行政处罚事先告知书（行政处罚法第六十二条：未告知的不得作出行政处罚决定）"
    ),
    ErrorCode.PENALTY_NOTICE_NOT_SERVED: "行政处罚事先告知书尚未送达，陈述申辩和申请听证的期限尚未起算",
    ErrorCode.NO_HEARING_RIGHT: "拟作出的罚款未达到本省较大数额标准，当事人不享有听证权利",
    ErrorCode.HEARING_WINDOW_CLOSED: "当事人应在告知后五日内提出听证要求（行政处罚法第六十四条），已逾期",
    ErrorCode.HEARING_ALREADY_REQUESTED: "当事人已提出听证要求，无需重复登记",
    ErrorCode.NO_HEARING_REQUESTED: "当事人没有提出听证要求，无需安排听证",
    ErrorCode.HEARING_TOO_SOON: "听证应在举行七日前通知当事人（行政处罚法第六十四条），请安排在七日之后",
    ErrorCode.HEARING_NOT_SCHEDULED: "尚未安排听证，不能登记听证情况",
    ErrorCode.HEARING_PENDING: "当事人要求听证，听证尚未举行，不能作出行政处罚决定",
    ErrorCode.HEARING_WINDOW_OPEN: "申请听证的期限尚未届满，暂不能作出行政处罚决定",
    ErrorCode.PENALTY_DEFENSE_RUNNING: "陈述申辩期尚未届满，当事人也未提出陈述申辩，暂不能作出行政处罚决定",
    ErrorCode.LEGAL_REVIEW_MISSING: "作出行政处罚决定前应当进行法制审核（行政处罚法第五十八条），尚无审核意见",
    ErrorCode.COLLECTIVE_DISCUSSION_MISSING: (
        "本案罚款按规定须经负责人集体讨论决定（行政处罚法第五十七条），尚无讨论记录"
    ),
    ErrorCode.PENALTY_TIME_LIMIT: (
        "已超过自立案之日起九十日的期限（行政处罚法第六十条），不能作出行政处罚决定；逾期情况已提级督办"
    ),
    ErrorCode.HEAVIER_AFTER_DEFENSE: "不得因当事人陈述、申辩而给予更重的处罚（行政处罚法第四十五条）",
    ErrorCode.AMOUNT_REQUIRED: "决定给予罚款的，应填写罚款数额",
    ErrorCode.DEFENSE_AMBIGUOUS: "本案同时有行政处理和行政处罚两项告知在听取陈述申辩，请用 procedure 指明针对哪一项",
    ErrorCode.NOT_SERVED_YET: "该决定尚未作出或尚未送达，复议、诉讼期限尚未起算",
    ErrorCode.ALREADY_CHALLENGED: "已登记当事人对该决定申请复议或提起诉讼",
    ErrorCode.CHALLENGE_TOO_LATE: "登记的申请日期已超过法定期限（复议60日、诉讼6个月，自送达之日起）",
    ErrorCode.NO_FINE_IMPOSED: "本案没有已作出的罚款决定",
    ErrorCode.FINE_ALREADY_PAID: "罚款已登记缴纳",
    ErrorCode.ENFORCEMENT_NOT_DUE: (
        "复议和诉讼期限尚未届满或当事人已履行，尚不能申请人民法院强制执行（行政强制法第五十三条）"
    ),
    ErrorCode.ENFORCEMENT_FILING_REQUIRED: "首次登记强制执行申请时应填写申请日期和受理法院",
    ErrorCode.ENFORCEMENT_PENDING: "罚款尚未缴纳，复议诉讼期限或申请强制执行尚未了结，不能结案",
    ErrorCode.TOKEN_INVALID: "令牌无效",
    ErrorCode.TOKEN_EXPIRED: "令牌已过期，请联系管理员换发新令牌",
    ErrorCode.TOKEN_REVOKED: "令牌已注销，不能再使用",
    ErrorCode.TOO_MANY_SIGN_IN_FAILURES: "令牌验证失败次数过多，请稍后再试",
    ErrorCode.TRACK_ALREADY_OPEN: "本案已有进行中的同类程序，不能重复提起",
    ErrorCode.NO_TRACK: "本案没有进行中的该项程序",
    ErrorCode.TOO_MANY_TRACKS: "本案同类程序已达上限（9 次）",
    ErrorCode.THRESHOLD_NOT_MET: "尚欠农民工工资未达到本省拒不支付劳动报酬罪“数额较大”标准（法释〔2013〕3号第三条）",
    ErrorCode.LEGAL_REPRESENTATIVE_REQUIRED: "须列明一名且仅一名法定代表人或者主要负责人（legal_representative）",
    ErrorCode.DUPLICATE_PARTY: "同一当事人（身份证号码）重复出现",
    ErrorCode.UNKNOWN_PARTY: "该程序中没有这一当事人",
    ErrorCode.NOTICE_NOT_SERVED: "告知书尚未送达全部当事人，陈述申辩期尚未起算",
    ErrorCode.NOT_PAID_IN_FULL: "拖欠的农民工工资尚未全部清偿（尚未改正），不能申请提前移出",
    ErrorCode.REMOVAL_TOO_EARLY: "自改正之日起被列入名单未满6个月，不能申请提前移出",
    ErrorCode.NO_REMOVAL_APPLICATION: "没有待决定的提前移出申请",
    ErrorCode.REMOVAL_PENDING: "已有待决定的提前移出申请",
    ErrorCode.NOTHING_TO_PUBLISH: "本案尚未作出行政处理决定或行政处罚决定，不能作为重大劳动保障违法行为向社会公布",
    ErrorCode.ALREADY_PUBLISHED: "本案已决定向社会公布",
    ErrorCode.WINDOW_CLOSED: "法定期限已过",
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
    ErrorCode.REASON_CODE_REQUIRED: 422,
    ErrorCode.TIME_BARRED: 409,
    ErrorCode.NOT_TIME_BARRED: 409,
    ErrorCode.SUPPLEMENT_PENDING: 409,
    ErrorCode.NO_SUPPLEMENT_REQUESTED: 409,
    ErrorCode.NOTHING_WAS_OWED: 409,
    ErrorCode.VIOLATION_FOUND: 409,
    ErrorCode.NOT_CORRECTED: 409,
    ErrorCode.HEAD_APPROVAL_REQUIRED: 403,
    ErrorCode.DUPLICATE_PAYMENT: 409,
    ErrorCode.DUPLICATE_AID: 409,
    ErrorCode.PAID_BEFORE_OWED: 422,
    ErrorCode.UNKNOWN_NOTICE: 422,
    ErrorCode.ALREADY_SERVED: 409,
    ErrorCode.NOT_SERVABLE: 409,
    ErrorCode.CONSENT_REQUIRED: 422,
    ErrorCode.SERVED_BEFORE_ISSUE: 422,
    ErrorCode.SERVED_AFTER_DUE: 409,
    ErrorCode.IN_THE_FUTURE: 422,
    ErrorCode.NO_GENERAL_CONTRACTOR: 422,
    ErrorCode.SUPPLEMENT_BEFORE_REQUEST: 422,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 422,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.BODY_INVALID: 400,
    ErrorCode.BACKEND_UNAVAILABLE: 503,
    ErrorCode.DATABASE_UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
    ErrorCode.ALREADY_EXTENDED: 409,
    ErrorCode.INVESTIGATION_EXPIRED: 409,
    ErrorCode.NO_INVESTIGATION_DEADLINE: 409,
    ErrorCode.CLEAR_DUE_NOT_AFTER_TODAY: 422,
    ErrorCode.ORDER_NOT_SERVED: 409,
    ErrorCode.ORDER_NOT_DUE: 409,
    ErrorCode.DECISION_ALREADY_PROPOSED: 409,
    ErrorCode.NO_DECISION_NOTICE: 409,
    ErrorCode.DECISION_NOTICE_NOT_SERVED: 409,
    ErrorCode.DEFENSE_PERIOD_RUNNING: 409,
    ErrorCode.ALREADY_DECIDED: 409,
    ErrorCode.NO_DEFENSE_OPEN: 409,
    ErrorCode.HEAVIER_THAN_NOTICED: 409,
    ErrorCode.PENALTY_OUT_OF_RANGE: 422,
    ErrorCode.PENALTY_ALREADY_PROPOSED: 409,
    ErrorCode.NO_PENALTY_PROPOSED: 409,
    ErrorCode.PENALTY_NOTICE_NOT_SERVED: 409,
    ErrorCode.NO_HEARING_RIGHT: 409,
    ErrorCode.HEARING_WINDOW_CLOSED: 409,
    ErrorCode.HEARING_ALREADY_REQUESTED: 409,
    ErrorCode.NO_HEARING_REQUESTED: 409,
    ErrorCode.HEARING_TOO_SOON: 422,
    ErrorCode.HEARING_NOT_SCHEDULED: 409,
    ErrorCode.HEARING_PENDING: 409,
    ErrorCode.HEARING_WINDOW_OPEN: 409,
    ErrorCode.PENALTY_DEFENSE_RUNNING: 409,
    ErrorCode.LEGAL_REVIEW_MISSING: 409,
    ErrorCode.COLLECTIVE_DISCUSSION_MISSING: 409,
    ErrorCode.PENALTY_TIME_LIMIT: 409,
    ErrorCode.HEAVIER_AFTER_DEFENSE: 409,
    ErrorCode.AMOUNT_REQUIRED: 422,
    ErrorCode.DEFENSE_AMBIGUOUS: 422,
    ErrorCode.NOT_SERVED_YET: 409,
    ErrorCode.ALREADY_CHALLENGED: 409,
    ErrorCode.CHALLENGE_TOO_LATE: 409,
    ErrorCode.NO_FINE_IMPOSED: 409,
    ErrorCode.FINE_ALREADY_PAID: 409,
    ErrorCode.ENFORCEMENT_NOT_DUE: 409,
    ErrorCode.ENFORCEMENT_FILING_REQUIRED: 422,
    ErrorCode.ENFORCEMENT_PENDING: 409,
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.TOKEN_REVOKED: 401,
    ErrorCode.TOO_MANY_SIGN_IN_FAILURES: 429,
    ErrorCode.TRACK_ALREADY_OPEN: 409,
    ErrorCode.NO_TRACK: 409,
    ErrorCode.TOO_MANY_TRACKS: 409,
    ErrorCode.THRESHOLD_NOT_MET: 409,
    ErrorCode.LEGAL_REPRESENTATIVE_REQUIRED: 422,
    ErrorCode.DUPLICATE_PARTY: 422,
    ErrorCode.UNKNOWN_PARTY: 409,
    ErrorCode.NOTICE_NOT_SERVED: 409,
    ErrorCode.NOT_PAID_IN_FULL: 409,
    ErrorCode.REMOVAL_TOO_EARLY: 409,
    ErrorCode.NO_REMOVAL_APPLICATION: 409,
    ErrorCode.REMOVAL_PENDING: 409,
    ErrorCode.NOTHING_TO_PUBLISH: 409,
    ErrorCode.ALREADY_PUBLISHED: 409,
    ErrorCode.WINDOW_CLOSED: 409,
}

WWW_AUTHENTICATE = 'Bearer realm="qingling"'
"""The challenge every 401 answer carries (RFC 6750); a token that was given but refused adds
``error="invalid_token"``."""

ACTION_REFUSED = "ActionRefused"
"""ApplicationError type a workflow uses when it refuses an action; the API maps it by code."""


class Refusal(Exception):
    """A rule refused an action; carries a code and a static zh-CN message."""

    def __init__(self, code: ErrorCode, message: str | None = None, field: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        self.field = field
        """The body field at fault, when one is (``payments.2.paid_at``)."""
        super().__init__(self.message)
