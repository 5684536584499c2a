"""All settings, in one typed place.

Precedence, lowest first: the defaults below → `stdwatch.toml` (in the working
directory, or the file named by `STDWATCH_CONFIG`) → environment variables
`STDWATCH_*` (nested with `__`, e.g. `STDWATCH_BASE_URLS__SAMR`) → command-line
flags. `docs/settings.md` lists every setting.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
import pydantic_settings
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

import warehouse.db
from flows.sources import REGISTERED, region_site_urls, site_urls  # the registry's data: no source module


class BaseUrls(BaseModel):
    """Where each portal answers, by site key. The defaults are the live portals, declared by the source
    registry (`REGISTERED` in flows/sources/__init__.py: data, so no crawler is imported to read them)
    and by the selected region's folder (its notice sites, `[[sites]]` in transform/regions/<code>/region.toml);
    point any of them at the mirror (or a proxy) and nothing else changes. `Settings` fills in the defaults
    and refuses a key neither declares (a typo would otherwise go unnoticed)."""

    model_config = {"extra": "allow"}

    @model_validator(mode="before")
    @classmethod
    def _table(cls, given: object) -> dict[str, object]:
        given = dict(given or {}) if isinstance(given, dict) or given is None else given
        if not isinstance(given, dict):
            raise ValueError(f"base_urls is a table of site = URL, not {type(given).__name__}")
        return given

    def all(self) -> dict[str, str]:
        return self.model_dump()


def _site_defaults(region: str, given: dict[str, str]) -> dict[str, str]:
    """`given` over the live base URLs of the registered sources and of `region`'s notice sites. A key
    only another region's folder declares is that region's and is left out; a key nobody declares is refused."""
    from transform.region import load_region, region_codes  # noqa: PLC0415 - region folders are read on demand

    defaults = {**site_urls(), **region_site_urls(load_region(region))}
    unknown = sorted(set(given) - set(defaults))
    if unknown:  # only then are the other regions' folders read
        others = {site.key for code in region_codes() if code != region for site in load_region(code).sites}
        unknown = [site for site in unknown if site not in others]
    if unknown:
        raise ValueError(f"unknown base URL site(s) {', '.join(unknown)}; the sources and region {region}'s "
                         f"folder declare {', '.join(sorted(defaults))}")
    return {**defaults, **{site: url for site, url in given.items() if site in defaults}}


def _registered_sources() -> list[str]:
    return list(REGISTERED)


class HostPolicy(BaseModel):
    """Politeness for one host. Unset fields fall back to the global defaults."""

    rate_per_second: float | None = Field(None, gt=0)
    concurrency: int | None = Field(None, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STDWATCH_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    # Where the archive, the warehouse and run files live.
    data_dir: Path = Path("data")
    # The region (prefecture-level city) whose plan is tracked; selects transform/regions/<code>/.
    region: str = "3205"

    # The plan window: "new" means issued on or after window_start and on or before window_end.
    window_start: date = date(2022, 8, 21)
    window_end: date = date(2025, 12, 31)
    # Counting rules (indicators.md): who makes a standard count for the region.
    count_drafter: Literal["lead", "any"] = "lead"
    group_count_by: Literal["drafter", "publisher"] = "drafter"
    # The plan whose targets are tracked: its page (fetched and archived) or a local copy (text or HTML).
    plan_url: str | None = None
    plan_file: Path | None = None
    # The "as of" date of the figures (counts as they stood then); None = today.
    as_of: date | None = None

    # Sources: base URL per source. Only these differ between the live portals and the mirror.
    base_urls: BaseUrls = Field(default_factory=BaseUrls)
    # Which sources a run crawls (the registry in flows/sources/__init__.py knows them all).
    sources: list[str] = Field(default_factory=_registered_sources)

    # HTTP client.
    user_agent: str = (
        "Mozilla/5.0 (compatible; stdwatch/0.1; standardization-plan monitor; "
        "contact: stdwatch-ops@example.org)"
    )
    rate_per_second: float = Field(1.0, gt=0)  # per host, jittered
    concurrency: int = Field(2, ge=1)  # per host
    hosts: dict[str, HostPolicy] = Field(default_factory=dict)  # per-host overrides
    # Who keeps each host's rate and concurrency: this process ("none": nothing shared), or the Prefect
    # server's global concurrency limits ("prefect"), so every worker of a province crawling one portal
    # keeps to them together (flows/politeness.py; docs/operations.md, "One city → a province").
    shared_politeness: Literal["none", "prefect"] = "none"
    timeout_seconds: float = Field(30.0, gt=0)  # each connect, each read
    request_deadline_seconds: float = Field(120.0, gt=0)  # a whole request: connect + every read
    source_budget_seconds: float | None = Field(None, gt=0)  # a source's requests in one run; None = no limit
    max_retries: int = Field(4, ge=0)
    backoff_seconds: float = Field(2.0, ge=0)  # first retry delay; doubles each time
    max_retry_after_seconds: float = Field(1800.0, ge=0)  # longest Retry-After we are willing to honour
    max_response_bytes: int = Field(20 * 1024 * 1024, gt=0)
    page_size: int = Field(50, ge=1)  # list page size where the portal lets us choose

    # Incremental runs: re-read this much before the last watermark, to catch late edits.
    watermark_overlap_days: int = Field(2, ge=0)
    # A notice article (and its attachments) is fetched again only when its list entry (title, date,
    # link) changed, or when it was last read this many days ago or more.
    notice_recheck_days: int = Field(7, ge=0)
    # ... and only while it is listed as published within this many days: corrections follow publication.
    notice_recheck_within_days: int = Field(14, ge=0)

    # Organisation register imports (CSV/XLSX name → credit code / address) and reviewed overrides.
    org_mapping_files: list[Path] = Field(default_factory=list)
    override_file: Path | None = None

    # The publish gate's night-over-night guards (warehouse/gate.py): a load is held back when, since the
    # last published load and with no explained cause, a count (district × type, an indicator's actual)
    # fell by at least guard_count_fall_min and by more than guard_count_fall_percent %, or a share
    # (placed organisations, standards with drafters, notices whose list was read) fell by more than
    # guard_share_fall_points percentage points.
    guard_count_fall_percent: float = Field(10.0, ge=0)
    guard_count_fall_min: int = Field(3, ge=1)
    guard_share_fall_points: float = Field(5.0, ge=0)

    # Analysts' inbox files: an xlsx (a zip) declaring more than this once unpacked is refused
    # unread; rows are validated and loaded this many at a time.
    inbox_max_unpacked_mb: int = Field(default=256, gt=0)
    inbox_batch_rows: int = Field(default=2000, gt=0)
    # DuckDB's memory in an inbox load's write session (DuckDB size syntax: 64MiB, 1GB); beyond it,
    # DuckDB spills to disk. With the batches, it keeps a 100,000-row file's load within 300 MB.
    inbox_memory_limit: str = "64MiB"

    # `reprocess` parses each source's archive in its own process, this many at once; None = every core.
    reprocess_workers: int | None = Field(None, ge=1)

    # The memory DuckDB may use on every warehouse connection (DuckDB's size syntax).
    memory_limit: str = "1GB"

    # The province (`stdwatch province`, `stdwatch report --province`): region code → that region's data_dir,
    # where its own nightly publishes its warehouse; read together, read-only (warehouse/province.py).
    province: dict[str, Path] = Field(default_factory=dict)

    @field_validator("memory_limit", "inbox_memory_limit")
    @classmethod
    def _memory_limit_is_a_size(cls, value: str) -> str:
        return warehouse.db.check_memory_limit(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("STDWATCH_CONFIG", "stdwatch.toml"))
        if "STDWATCH_CONFIG" in os.environ and not toml_path.is_file():
            raise SettingsError(f"STDWATCH_CONFIG names {toml_path}, which is not a file: "
                                "create it, or unset STDWATCH_CONFIG to read ./stdwatch.toml")
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    @field_validator("region")
    @classmethod
    def _region_folder(cls, code: str) -> str:
        from extract.sources.notices import region_columns  # noqa: PLC0415 - imported when a region is checked
        from transform.region import load_region, region_codes  # noqa: PLC0415 - region folders are read on demand

        if code not in region_codes():
            raise ValueError(f"no folder transform/regions/{code}/ (the regions are {', '.join(region_codes())}; "
                             "docs/regions.md says how to add one)")
        region_columns(load_region(code))  # a mistake in the folder (or a site no CMS kind reads) is said here
        return code

    @field_validator("province")
    @classmethod
    def _province_regions(cls, regions: dict[str, Path]) -> dict[str, Path]:
        from transform.region import region_codes  # noqa: PLC0415 - region folders are read on demand

        unknown = sorted(set(regions) - set(region_codes()))
        if unknown:
            raise ValueError(f"no folder transform/regions/<code>/ for {', '.join(unknown)} (the regions are "
                             f"{', '.join(region_codes())})")
        return regions

    @model_validator(mode="after")
    def _base_urls_of_region(self) -> Settings:
        self.base_urls = BaseUrls(**_site_defaults(self.region, self.base_urls.all()))
        return self

    # Derived paths -------------------------------------------------------------------------
    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def demo_dir(self) -> Path:
        """Where `stdwatch demo` writes (its own archive and warehouse, apart from the live ones): `demo`
        for the default region, `demo-<code>` for another, so two regions' demos never mix."""
        default = type(self).model_fields["region"].default
        return self.data_dir / ("demo" if self.region == default else f"demo-{self.region}")

    def published_warehouse(self) -> Path:
        """The warehouse the reading commands query: the live one; before any live run has written
        one, the demo's (`demo_dir`), so that every command works right after `stdwatch demo`."""
        demo = self.demo_dir / "warehouse.duckdb"
        return demo if not self.warehouse_path.exists() and demo.exists() else self.warehouse_path

    @property
    def reviewed_overrides_path(self) -> Path:
        """Overrides imported from filled review sheets (`stdwatch review import`), read after override_file."""
        return self.data_dir / "review" / "overrides.csv"

    def base_url(self, source: str) -> str:
        return getattr(self.base_urls, source).rstrip("/")

    def allowed_hosts(self) -> set[str]:
        """The client's allow-list: the host of each base URL and of `plan_url`, or `host:port` when the URL
        names a port (then only that port: a mirror's ports, never another service on the same host)."""
        hosts = set()
        for url in [*self.base_urls.all().values(), *([self.plan_url] if self.plan_url else [])]:
            parts = urlsplit(url)
            hosts.add(f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or "")
        return hosts

    def host_policy(self, host: str) -> tuple[float, int]:
        policy = self.hosts.get(host, HostPolicy())
        return (
            policy.rate_per_second or self.rate_per_second,
            policy.concurrency or self.concurrency,
        )


class SettingsError(ValueError):
    """Settings that cannot be used, said in one line naming the setting and the fix."""


def load_settings(**overrides: object) -> Settings:
    """Settings from file and environment, with CLI flags (non-None overrides) on top. A bad value
    raises SettingsError in one line ("rate_per_second = 0: must be greater than 0 …")."""
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
        warehouse.db.set_memory_limit(settings.memory_limit)
        return settings
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        config = os.environ.get("STDWATCH_CONFIG", "stdwatch.toml")
        raise SettingsError(f"{config} is not valid TOML: {exc}") from None
    except pydantic_settings.SettingsError as exc:  # an environment variable that is not valid JSON
        raise SettingsError(f"{exc}: a list or table setting in the environment is JSON, e.g. "
                            """STDWATCH_HOSTS='{"127.0.0.1": {"rate_per_second": 5}}'""") from None


def describe_errors(exc: ValidationError) -> str:
    """Pydantic's errors as one line: each setting (dotted, as in stdwatch.toml), its value, the rule."""
    parts = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"])
        value = f" = {error['input']!r}" if error["type"] != "missing" else ""
        rule = error["msg"].replace("Input should be", "must be").replace("input should be", "must be")
        parts.append(f"{name}{value}: {rule}")
    sources = "STDWATCH_<NAME> variables, stdwatch.toml or STDWATCH_CONFIG's file"
    return f"invalid setting{'s' if len(parts) > 1 else ''}: {'; '.join(parts)} (fix it in {sources})"
