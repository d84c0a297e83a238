"""Commands that set the ledger up: init, assign, alias, settings, and extract for the next report."""

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
) -> None:
    """建立台账或用种子文件刷新目标。可重复运行：不改动已登记的实绩，也不改动 assign 的设置。"""
    from xlgl.seed import default_seed_path, load_seed
    from xlgl.store.seeding import seed_report_key

    loaded = load_seed(seed or default_seed_path())
    with open_ledger(ctx, create=True, seed_default=False) as ledger:
        added, changed = ledger.load_seed(loaded)
        total = len(ledger.targets(report=seed_report_key(loaded), include_retired=True))
    typer.echo(
        f"台账 {ledger.path}：{loaded.report.get('title', '')} 共 {total} 个目标"
        f"（新增 {added}，更新 {changed}）"
    )


@app.command()
def assign(
    ctx: typer.Context,
    target: TargetArgument,
    owner: Annotated[str | None, typer.Option("--owner", help="牵头单位。")] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help="新的时限。")] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance", help="此目标“左右/稳定在”的容差，如 0.03 表示 3%。", min=0, max=1
        ),
    ] = None,
    report_key: ReportOption = None,
) -> None:
    """指定目标的牵头单位、时限或容差。"""
    from xlgl.dates import parse_date
    from xlgl.errors import InputError
    from xlgl.grid import clean

    if owner is None and due is None and tolerance is None:
        raise InputError("请至少给出 --owner、--due 或 --tolerance 之一")
    if owner is not None and not owner.strip():
        raise InputError("牵头单位不能为空")
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, date.today()))
        due_date = parse_date(due, year=found.year) if due else None
        if due_date and due_date < found.start:
            raise InputError(f"时限 {due_date} 早于目标起始日 {found.start}")
        ledger.assign(found, owner=owner, due=due_date, tolerance=tolerance)
    changes = [
        f"牵头单位 {clean(owner)}" if owner else "",
        f"时限 {due_date}" if due_date else "",
        f"容差 {tolerance:g}" if tolerance is not None else "",
    ]
    typer.echo(f"{found.id}（{found.indicator}）：" + "，".join(c for c in changes if c))


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
    """查看或修改台账的判定阈值（落后阈值、红灯阈值、临期天数、容差）。"""
    from xlgl.errors import InputError
    from xlgl.model import parse_setting

    if name is not None:
        if value is None:
            raise InputError(f"请给出 {name} 的新值")
        try:
            checked = parse_setting(name, value)
        except ValueError as error:
            raise InputError(str(error)) from None
    with open_ledger(ctx) as ledger:
        if name is not None:
            ledger.set_setting(name, checked)
        current = ledger.settings()
    for key, current_value in vars(current).items():
        typer.echo(f"{key} = {current_value:g}")


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
