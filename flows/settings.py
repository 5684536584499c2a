"""All settings, in one typed place.

Precedence, lowest first: the defaults below → `stdwatch.toml` (in the working
directory, or the file named by `STDWATCH_CONFIG`) → environment variables
`STDWATCH_*` (nested with `__`, e.g. `STDWATCH_BASE_URLS__SAMR`) → command-line
flags. `docs/settings.md` lists every setting.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

class BaseUrls(BaseModel):
    """The live portals. Point any of them at the mirror (or a proxy) and nothing else changes."""

    model_config = {"extra": "forbid"}

    samr: str = "https://std.samr.gov.cn"
    openstd: str = "https://openstd.samr.gov.cn"
    hbba: str = "https://hbba.sacinfo.org.cn"
    dbba: str = "https://dbba.sacinfo.org.cn"
    ttbz: str = "https://www.ttbz.org.cn"
    qybz: str = "https://www.qybz.org.cn"
    scjgj_suzhou: str = "https://scjgj.suzhou.gov.cn"
    suzhou_gov: str = "https://www.suzhou.gov.cn"
    scjgj_jiangsu: str = "https://scjgj.jiangsu.gov.cn"

    def all(self) -> dict[str, str]:
        return self.model_dump()


class HostPolicy(BaseModel):
    """Politeness for one host. Unset fields fall back to the global defaults."""

    rate_per_second: float | None = None
    concurrency: int | None = None


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
    sources: list[str] = Field(
        default_factory=lambda: ["samr", "sacinfo", "openstd", "ttbz", "qybz", "tc", "notices"]
    )

    # HTTP client.
    user_agent: str = (
        "Mozilla/5.0 (compatible; stdwatch/0.1; standardization-plan monitor; "
        "contact: stdwatch-ops@example.org)"
    )
    rate_per_second: float = 1.0  # per host, jittered
    concurrency: int = 2  # per host
    hosts: dict[str, HostPolicy] = Field(default_factory=dict)  # per-host overrides
    timeout_seconds: float = 30.0
    max_retries: int = 4
    backoff_seconds: float = 2.0  # first retry delay; doubles each time
    max_retry_after_seconds: float = 1800.0  # longest Retry-After we are willing to honour
    max_response_bytes: int = 20 * 1024 * 1024
    page_size: int = 50  # list page size where the portal lets us choose

    # Incremental runs: re-read this much before the last watermark, to catch late edits.
    watermark_overlap_days: int = 2

    # Organisation register imports (CSV/XLSX name → credit code / address) and reviewed overrides.
    org_mapping_files: list[Path] = Field(default_factory=list)
    override_file: Path | None = None

    # Analysts' inbox files: an xlsx (a zip) declaring more than this once unpacked is refused
    # unread; rows are validated and loaded this many at a time.
    inbox_max_unpacked_mb: int = Field(default=256, gt=0)
    inbox_batch_rows: int = Field(default=5000, gt=0)

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
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    # Derived paths -------------------------------------------------------------------------
    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def base_url(self, source: str) -> str:
        return getattr(self.base_urls, source).rstrip("/")

    def allowed_hosts(self) -> set[str]:
        return {urlsplit(u).hostname or "" for u in self.base_urls.all().values()}

    def host_policy(self, host: str) -> tuple[float, int]:
        policy = self.hosts.get(host, HostPolicy())
        return (
            policy.rate_per_second or self.rate_per_second,
            policy.concurrency or self.concurrency,
        )


def load_settings(**overrides: object) -> Settings:
    """Settings from file and environment, with CLI flags (non-None overrides) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
