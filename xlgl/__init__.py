"""xlgl — 锡林郭勒盟政府工作报告目标台账 (a target ledger for the 2024 work report)."""

__version__ = "0.1.0"
