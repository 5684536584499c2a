"""The health job: which problems fail a run (blocked, incomplete, silent, layout changed, the plan
unread) and the one-line failure the CLI prints."""

from __future__ import annotations


from flows.runs import RunReport
from flows.targets import PlanResult

# "Usually returns some": compare with this many earlier successful runs of the same flow.
SILENCE_HISTORY = 5


class HealthCheckFailed(RuntimeError):
    """The run loaded what it could, but a source was blocked, failed or went silent."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(f"run {report.run_id} failed its health check: " + "; ".join(report.problems))
        self.report = report


def health_problems(report: RunReport, history: dict[str, list[int]] | None = None) -> list[str]:
    """Why the run must fail loudly: a source blocked, failed, incomplete (a page it could not read, named),
    its layout changed, or silent where it usually
    returns records (`history`: what it yielded in earlier successful runs of the same flow, newest
    first). Silent means no records *and* no list rows read: a list re-read over the overlap with nothing
    new, or a directory found unchanged (`SourceResult.unchanged`), is a quiet night, not silence."""
    problems = []
    for source in report.sources:
        earlier = (history or {}).get(source.source, [])
        if source.blocked:
            problems.append(f"{source.source}: blocked ({', '.join(source.blocked_reasons)})")
        elif source.error:
            problems.append(f"{source.source}: {source.error}")
        elif source.layout_changed:
            problems.append(f"{source.source}: layout changed on {source.layout_changed} page(s) — the parser "
                            f"found none of what it reads (details: core.reject reason 'layout_changed')")
        elif not source.complete:
            named = f": {', '.join(source.unread)}" if source.unread else ""
            problems.append(f"{source.source}: incomplete, some pages could not be had this run{named} — "
                            "its watermark stays and the next run asks again")
        elif source.yielded == 0 and source.rows_listed == 0 and sum(n > 0 for n in earlier) * 2 > len(earlier) > 0:
            problems.append(
                f"{source.source}: returned no records, where {sum(n > 0 for n in earlier)} of its last "
                f"{len(earlier)} successful runs returned some (up to {max(earlier)})"
            )
    return problems


def plan_problems(plan: PlanResult | None) -> list[str]:
    """A configured plan that could not be read fails the run (the previous targets stay in force)."""
    if plan is None or plan.status in ("read", "not_configured"):
        return []
    return [f"plan: {plan.status} ({plan.message})"]
