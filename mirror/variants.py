"""Mirror variants: one switch per portal fact that independent evidence leaves contested or inferred.

The mirror follows evidence, not the product's code (`../shared/design/evidence/`). Where the
evidence is one crawler's word, or our own inference, the mirror can serve either reading, and
the product must pass under every one of them (tests/test_variants.py runs the full backfill and
nightly under each preset). A variant is chosen per run:

    stdwatch mirror --variant samr-cap-20          stdwatch demo --variant samr_order=issue,sacinfo_host=ba
    MirrorCluster(Corpus(..., variants=parse_variants("samr-cap-20")))

| field | values (default first) | the fact, and its grade |
|---|---|---|
| samr_page_cap | 50, 20 | rows std.samr serves per list page whatever `pageSize` asks. portals.md §1 "pageSize ≤ 50–100" [C]; one independent spider measured 20 (evidence/std.samr.gov.cn/pagesize_cap_check.py) [C1] |
| samr_order | entry, issue | list order: newest SYS_INPUTIME first [I], or newest ISSUE_DATE first (the only independent statement, evidence/std.samr.gov.cn/PROVENANCE.md) [C1] |
| sacinfo_host | own, ba | hbba/dbba answer on their own hosts [C], or 301 to the unified ba.sacinfo.org.cn (evidence/hbba-dbba/EVIDENCE.md §3) [C1] |
| scjgj_first_suffix | 2, 1 | scjgj.suzhou 通知公告 page 2 is `nav_xwtz_2.shtml` (the crawlers', evidence/scjgj.suzhou.gov.cn/EVIDENCE.md) [C1] or `nav_xwtz_1.shtml` (the classic TRS `createPageHTML` pager) [I]; portals.md §6.2 "[C1] check whether page 2 is `_1` or `_2`" |
| conditional | no, yes | whether the static CMS sites (the notice columns' scjgj.suzhou, www.suzhou.gov.cn, scjgj.jiangsu: lists, articles, attachments, the plan page) honour conditional requests: `yes` tags every 200 GET with an ETag and answers a matching If-None-Match with 304 and no body. Not in the evidence either way [I]; the product asks conditionally where it re-checks, and must pass under both |
| drift | (none) | names of deliberate layout drifts (`mirror.drift.DRIFTS`: samr_rows_key, samr_detail_selector, scjgj_column_moved, ttbz_rows_key), joined by '+', for `stdwatch probe`'s own test |

`late_entries` on a corpus (`Corpus.add_standards(..., late=True)`) is growth, not a variant.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

__all__ = ["PRESETS", "Variants", "parse_variants"]


@dataclass(frozen=True, slots=True)
class Variants:
    samr_page_cap: int = 50
    samr_order: str = "entry"  # "entry" | "issue"
    sacinfo_host: str = "own"  # "own" | "ba"
    scjgj_first_suffix: int = 2  # 2 | 1
    conditional: str = "no"  # "no" | "yes"
    drift: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.samr_page_cap < 1:
            raise ValueError(f"samr_page_cap must be at least 1, got {self.samr_page_cap}")
        if self.samr_order not in ("entry", "issue"):
            raise ValueError(f"samr_order is 'entry' or 'issue', not {self.samr_order!r}")
        if self.sacinfo_host not in ("own", "ba"):
            raise ValueError(f"sacinfo_host is 'own' or 'ba', not {self.sacinfo_host!r}")
        if self.scjgj_first_suffix not in (1, 2):
            raise ValueError(f"scjgj_first_suffix is 2 or 1, not {self.scjgj_first_suffix!r}")
        if self.conditional not in ("no", "yes"):
            raise ValueError(f"conditional is 'no' or 'yes', not {self.conditional!r}")
        if self.drift:
            from mirror.drift import DRIFTS  # noqa: PLC0415 - only a drifted variant needs the drifts

            if unknown := sorted(self.drift - set(DRIFTS)):
                raise ValueError(f"unknown mirror drift {', '.join(unknown)}: choose from {', '.join(DRIFTS)}")

    def describe(self) -> str:
        """`k=v` for every field that differs from the default ("default" when none does)."""
        default = Variants()
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                parts.append(f"{f.name}={'+'.join(sorted(value)) if isinstance(value, frozenset) else value}")
        return ",".join(parts) or "default"


# Each contested fact on its other reading, then every one at once; `drifted` is for probe's test.
PRESETS: dict[str, Variants] = {
    "default": Variants(),
    "samr-cap-20": Variants(samr_page_cap=20),
    "samr-by-issue-date": Variants(samr_order="issue"),
    "sacinfo-redirected": Variants(sacinfo_host="ba"),
    "contested": Variants(samr_page_cap=20, samr_order="issue", sacinfo_host="ba", scjgj_first_suffix=1,
                          conditional="yes"),
}


def parse_variants(text: str | None) -> Variants:
    """A preset name, or `field=value` pairs joined by commas (drift values joined by '+'), or both
    (`samr-cap-20,sacinfo_host=ba`); None or "" is the default."""
    out = Variants()
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        if "=" not in part:
            if part not in PRESETS:
                raise ValueError(f"unknown mirror variant {part!r}: presets are {', '.join(PRESETS)}, "
                                 f"or field=value with fields {', '.join(f.name for f in fields(Variants))}")
            preset = PRESETS[part]
            out = replace(out, **{f.name: getattr(preset, f.name) for f in fields(Variants)
                                  if getattr(preset, f.name) != getattr(Variants(), f.name)})
            continue
        name, _, value = (s.strip() for s in part.partition("="))
        kinds = {f.name: f for f in fields(Variants)}
        if name not in kinds:
            raise ValueError(f"unknown mirror variant field {name!r}: choose from {', '.join(kinds)}")
        if name == "drift":
            parsed: object = frozenset(v for v in value.split("+") if v)
        elif name in ("samr_page_cap", "scjgj_first_suffix"):
            try:
                parsed = int(value)
            except ValueError:
                raise ValueError(f"{name} is a number, not {value!r}") from None
        else:
            parsed = value
        out = replace(out, **{name: parsed})
    return out
