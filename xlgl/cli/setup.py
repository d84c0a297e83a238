"""Commands that set the ledger up: init, assign, alias, settings, and extract for the next report."""

import math
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xlgl.cli.app import app
from xlgl.cli.common import (
    OutputFileOption,
    ReportOption,
    TargetArgument,
    checked_text,
    chosen_report,
    find,
    open_ledger,
)


@app.command()
def init(
    ctx: typer.Context,
    seed: Annotated[
        Path | None,
        typer.Option(
            "--seed",
            metavar="FILE",
            help="种子文件（TOML 或 JSON）；默认随 xlgl 发布的 2024 年目标清单。",
        ),
    ] = None,
    convert: Annotated[
        bool,
        typer.Option(
            "--convert", help="种子改了已有实绩的目标的单位时，把这些记录按系数换算为新单位。"
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", help="接受种子对已有实绩的目标的单位改动：原记录保留原单位，不计入完成情况。"
        ),
    ] = False,
) -> None:
    """建立台账或用种子文件刷新目标。可重复运行：不改动已登记的实绩，也不改动 assign 的设置。"""
    from xlgl.reseed import UnitChange, unit_plans
    from xlgl.seed import default_seed_path, load_seed
    from xlgl.store.seeding import refresh_seed, seed_report_key

    loaded = load_seed(seed or default_seed_path())
    units: list[UnitChange] = []

    def rule(
        old: Mapping[str, str], new: Mapping[str, str], live: Mapping[str, int]
    ) -> list[UnitChange]:  # xlgl/reseed.py's rule, its plans kept for the lines below
        units[:] = unit_plans(old, new, live, convert=convert, accept=yes)
        return units

    with open_ledger(ctx, create=True, seed_default=False) as ledger:
        from xlgl.carryover import with_baselines  # last year's final figures as baselines

        loaded = with_baselines(ledger, loaded, seed_report_key(loaded))
        added, changed, _ = refresh_seed(ledger, loaded, rule)
        total = len(ledger.targets(report=seed_report_key(loaded), include_retired=True))
    carried = sum(1 for t in loaded.targets if t.get("baseline_from"))
    typer.echo(
        f"台账 {ledger.path}：{loaded.report.get('title', '')} 共 {total} 个目标"
        f"（新增 {added}，更新 {changed}）"
        + (f"；{carried} 个目标的基数取自上年终值" if carried else "")
    )
    for change in units:
        done = (
            "已换算为新单位（原记录作废，历史中保留）"
            if change.convert
            else f"原记录保留原单位 {change.old or '（无单位）'}，不计入完成情况"
        )
        typer.echo(f"单位改动 {change.describe()}：{done}")


@app.command()
def assign(
    ctx: typer.Context,
    target: TargetArgument,
    owner: Annotated[str | None, typer.Option("--owner", help="牵头单位。")] = None,
    co_owner: Annotated[
        list[str] | None,
        typer.Option(
            "--co-owner",
            metavar="单位",
            help='配合单位，可重复或用顿号分隔（盟发改委、盟财政局）；--co-owner "" 清除。',
        ),
    ] = None,
    leader: Annotated[str | None, typer.Option("--leader", help="分管领导。")] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help='联系人及电话，如 "王芳 0479-8888888"。')
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", metavar="DATE", help="新的时限（须同时给 --reason）。")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="调整时限的理由。")] = None,
    by: Annotated[str | None, typer.Option("--by", help="调整人（默认当前登录名）。")] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance", help="此目标“左右/稳定在”的容差，如 0.03 表示 3%。", min=0, max=1
        ),
    ] = None,
    report_key: ReportOption = None,
) -> None:
    """指定目标的牵头单位、配合单位、分管领导、联系人、时限（附理由，留痕）或容差。"""
    from xlgl.dates import parse_date
    from xlgl.errors import InputError
    from xlgl.grid import clean
    from xlgl.store.sqlite import login_name

    given = (owner, co_owner, leader, contact, due, tolerance)
    if all(g is None for g in given):
        raise InputError(
            "请至少给出 --owner、--co-owner、--leader、--contact、--due 或 --tolerance 之一"
        )
    names = {"牵头单位": owner, "分管领导": leader, "联系人": contact}
    for label, text in names.items():
        if text is not None and not text.strip():
            raise InputError(f"{label}不能为空")
        if text is not None and len(text) > 200:
            raise InputError(f"{label}过长：{len(text)} 字，上限 200 字")
    if due is not None and not (reason and reason.strip()):
        raise InputError(
            "调整时限须用 --reason 说明理由，例如：--due 2024-06-30 --reason 项目审批延后"
        )
    if reason is not None and due is None:
        raise InputError("--reason 是调整时限的理由，须与 --due 同用")
    if tolerance is not None and not math.isfinite(tolerance):  # typer's min/max let nan in
        raise InputError(f"--tolerance 须为 0 到 1 之间的数，而不是 {tolerance}")
    owner = checked_text(owner, "牵头单位")  # capped and storable, as every text
    leader = checked_text(leader, "分管领导")
    contact = checked_text(contact, "联系人")
    co_owners = split_owners(co_owner) if co_owner is not None else None
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, date.today()))
        due_date = parse_date(due, year=found.year) if due else None
        if due_date and due_date < found.start:
            raise InputError(f"时限 {due_date} 早于目标起始日 {found.start}")
        lead = (owner or found.owner or "").strip()
        if co_owners and lead in co_owners:
            raise InputError(f"“{lead}”是牵头单位，不能同时是配合单位")
        old_due = found.due
        ledger.assign(
            found,
            owner=owner.strip() if owner else None,
            co_owners=co_owners,
            leader=leader.strip() if leader else None,
            contact=" ".join(contact.split()) if contact else None,
            due=due_date,
            reason=" ".join(reason.split()) if reason else None,
            by=by or login_name(),
            tolerance=tolerance,
        )
    if due_date is None:
        due_text = ""
    elif due_date == old_due:
        due_text = f"时限 {due_date}（未变）"
    else:
        due_text = f"时限 {old_due} → {due_date}（理由：{clean(reason or '')}）"
    changes = [
        f"牵头单位 {clean(owner)}" if owner else "",
        f"配合单位 {'、'.join(map(clean, co_owners)) or '（已清除）'}"
        if co_owners is not None
        else "",
        f"分管领导 {clean(leader)}" if leader else "",
        f"联系人 {clean(contact)}" if contact else "",
        due_text,
        f"容差 {tolerance:g}" if tolerance is not None else "",
    ]
    typer.echo(f"{found.id}（{found.indicator}）：" + "，".join(c for c in changes if c))


def split_owners(given: list[str]) -> list[str]:
    """--co-owner values, each possibly several names joined by 、，, ; or ；, in order, once each."""
    import re

    names = [n.strip() for text in given for n in re.split(r"[、,，;；]", text)]
    return list(dict.fromkeys(n for n in names if n))


@app.command()
def alias(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="别名，如 煤产量。")],
    target: TargetArgument,
    report_key: ReportOption = None,
) -> None:
    """给目标起别名：之后 record、show 和 CSV 的 target 列都可用 NAME 指这个目标。"""
    from xlgl.errors import InputError

    name = name.strip()
    if not name:
        raise InputError("别名不能为空")
    name = str(checked_text(name, "别名"))
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, date.today()))
        ledger.add_alias(name, found)
    typer.echo(f"别名“{name}”→ {found.id}（{found.indicator}）")


@app.command(context_settings={"ignore_unknown_options": True})  # a value of -0.1: refused
def settings(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="设置项名称。")] = None,
    value: Annotated[str | None, typer.Argument(help="新值。")] = None,
) -> None:
    """查看或修改台账的设置：判定阈值、容差、报送日，以及发文机关和通报期号（不带参数时列出全部）。"""
    from xlgl.errors import InputError
    from xlgl.model import TEXT_SETTINGS, parse_setting, parse_text_setting
    from xlgl.store.office import set_text_settings, text_settings

    if name is not None:
        if value is None:
            raise InputError(f"请给出 {name} 的新值")
        try:
            if name in TEXT_SETTINGS:
                text = parse_text_setting(name, value)
            else:
                checked = parse_setting(name, value)
        except ValueError as error:
            raise InputError(str(error)) from None
    with open_ledger(ctx) as ledger:
        if name in TEXT_SETTINGS:
            # a 期号 set by hand: the next bulletin is the one after it, whatever its date
            extra = {"issue_as_of": None} if name == "issue" else {}
            set_text_settings(ledger, {name: text, **extra})
        elif name is not None:
            ledger.set_setting(name, checked)
        current = ledger.settings()
        texts = text_settings(ledger)
    for key, current_value in vars(current).items():
        typer.echo(f"{key} = {current_value:g}")
    typer.echo(f"office = {texts.get('office') or '（未设置）'}")
    typer.echo(f"issue = {texts.get('issue') or '（未编号）'}")


class DraftFormat(StrEnum):
    toml = "toml"
    json = "json"


@app.command()
def extract(
    report_file: Annotated[
        Path, typer.Argument(metavar="REPORT.txt", help="政府工作报告纯文本（UTF-8 或 GB18030）。")
    ],
    output: OutputFileOption = None,
    fmt: Annotated[
        DraftFormat,
        typer.Option("--format", "-f", help="草稿格式：toml（种子格式，默认）或 json。"),
    ] = DraftFormat.toml,
) -> None:
    """从政府工作报告起草目标清单：计划部分的每个数字都列为候选目标或排除项（附理由）。"""
    from xlgl.extract import draft_to_json, draft_to_toml, extract_report, read_report

    draft = extract_report(read_report(report_file), source=report_file.name)
    document = draft_to_json(draft) if fmt is DraftFormat.json else draft_to_toml(draft)
    if output is None:
        typer.echo(document, nl=False)
        return
    from xlgl.files import replace_into

    with replace_into(output) as temp:
        temp.write_text(document, encoding="utf-8")
    review = sum(1 for t in draft.targets if t["review"])
    typer.echo(
        f"已写入 {output}：{len(draft.targets)} 个候选目标（{review} 个待复核）、"
        f"{len(draft.exclusions)} 个排除的数字"
    )
