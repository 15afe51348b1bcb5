"""Open data of concluded cases (docs/open-data.md): a whitelist of fields that cannot identify a person — no
name, ID, phone, case or document number, and an employer's name only where the law already published it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

OUTCOME_ZH: dict[str, str] = {
    "cleared": "欠薪已清偿结案",
    "no_violation": "未发现违法行为结案",
    "minor_corrected": "违法行为轻微已改正结案",
    "transferred": "移送其他部门结案",
    "withdrawn": "投诉人撤回结案",
    "rejected": "不予受理",
}
SUPPRESS_BELOW = 5
"""A group of fewer cases than this is not shown in the aggregates (nor derivable from its totals)."""


PUBLIC_NAME = "用人单位名称：仅当已依法公布（重大违法行为社会公布、失信名单期内）时提供"


class _Open(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenCase(_Open):
    county: str = Field(description="县级行政区划代码（6位）")
    industry: str | None = Field(description="行业门类代码（GB/T 4754-2017，如 E 建筑业）；未登记为空")
    industry_zh: str | None = Field(description="行业门类名称")
    received_month: str = Field(description="收到投诉的月份（北京时间，YYYY-MM）")
    concluded_month: str = Field(description="结案或不予受理的月份（北京时间，YYYY-MM）")
    workers: int = Field(description="涉及劳动者人数")
    owed: str = Field(description="欠薪金额（元，两位小数）")
    recovered: str = Field(description="已追回金额（元，两位小数）")
    working_days: int = Field(description="办理用时（工作日，自收到投诉次日起至办结日）")
    outcome: str = Field(description="办理结果代码")
    outcome_zh: str = Field(description="办理结果")
    listed: bool = Field(description="用人单位是否因本案被列入拖欠农民工工资失信联合惩戒名单")
    referred: bool = Field(description="本案是否已移送公安机关")
    employer_name: str | None = Field(
        description="用人单位名称：仅当已依法公布（重大违法行为社会公布、失信名单期内）时提供"
    )


class OpenCasePage(_Open):
    items: list[OpenCase]
    next_cursor: str | None = Field(description="下一页的游标（不含任何案件标识）；最后一页为空")


class OpenAggregate(_Open):
    county: str = Field(description="县级行政区划代码；“合计”行为空")
    month: str | None = Field(description="办结月份（YYYY-MM）；“合计”行为空")
    suppressed: bool = Field(description=f"案件数少于 {SUPPRESS_BELOW} 件，数字不予公布")
    cases: int | None = Field(description="办结案件数")
    workers: int | None = Field(description="涉及劳动者人数")
    owed: str | None = Field(description="欠薪金额（元）")
    recovered: str | None = Field(description="已追回金额（元）")
    listed: int | None = Field(description="其中列入失信名单的案件数")
    referred: int | None = Field(description="其中移送公安机关的案件数")
