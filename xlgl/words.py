"""The vocabulary of statuses: codes, Chinese labels, order (worst first) and tone, in one place.

Each output maps a tone to its own colours (the terminal to rich styles, the workbook to fills, the
bulletin to CSS), so a status's meaning is decided here once.
"""

from __future__ import annotations

MET = "met"
MET_LATE = "met_late"
MISSED = "missed"
OVERDUE = "overdue"
AT_RISK = "at_risk"
AWAITING = "awaiting"
NO_DATA = "no_data"
ON_TRACK = "on_track"

# Worst first: the order of `overdue`, of summaries and of the bulletin's cards.
STATUSES = (OVERDUE, MISSED, AT_RISK, NO_DATA, AWAITING, ON_TRACK, MET_LATE, MET)

STATUS_LABELS = {
    MET: "已完成",
    MET_LATE: "逾期完成",
    MISSED: "未完成",
    OVERDUE: "逾期",
    AT_RISK: "预警",
    AWAITING: "待出数",
    NO_DATA: "未报送",
    ON_TRACK: "正常",
}

# Tone: bad (red), warn (yellow), good (green), late_good (green, noted), quiet (grey).
STATUS_TONES = {
    OVERDUE: "bad",
    MISSED: "bad",
    AT_RISK: "warn",
    NO_DATA: "quiet",
    AWAITING: "quiet",
    ON_TRACK: "good",
    MET_LATE: "good",
    MET: "good",
}

# The traffic light of a row (红黄蓝绿灰), decided by the rules; labels for people.
LIGHTS = ("red", "yellow", "blue", "green", "grey")
LIGHT_LABELS = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯", "green": "绿灯", "grey": "灰灯"}

KIND_LABELS = {
    "level": "水平",
    "flow": "累计",
    "growth": "增速",
    "share": "比率",
    "milestone": "节点",
}
COMPARATOR_LABELS = {
    "at_least": "以上",
    "at_most": "以内",
    "approx": "左右",
    "reach": "达到",
    "range": "区间",
    "stable": "稳定在",
}
FREQUENCY_LABELS = {
    "month": "按月",
    "quarter": "按季",
    "half": "半年",
    "year": "按年",
    "event": "完成即报",
}

# A target whose lead department (牵头单位) has not been set, wherever departments are listed.
NO_OWNER = "（未明确牵头单位）"
