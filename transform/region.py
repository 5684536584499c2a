"""A region's reference data (`transform/regions/<code>/`) and the place names it recognises.

Owns loading `region.toml` (names, province, the plan, the notice sites and columns),
`districts.csv`, `division_codes.csv`, `towns.csv` and `indicators.csv` (the plan's indicators
and how each is measured), and the matching primitives attribution is built on: which of the region's districts,
former divisions, towns and streets a text mentions, whether it mentions the region
itself, and whether it starts with another province or city. Nothing here decides an
attribution; `transform.attribution` does.

Only the region's files are region-specific; the provinces and the list of cities below
are national reference and serve every region.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

from transform.text import clean_text, to_halfwidth

# GB/T 2260 province codes (the first two digits of a division code): full name, short name.
PROVINCES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "11": ("北京市", "北京"), "12": ("天津市", "天津"), "13": ("河北省", "河北"),
    "14": ("山西省", "山西"), "15": ("内蒙古自治区", "内蒙古"), "21": ("辽宁省", "辽宁"),
    "22": ("吉林省", "吉林"), "23": ("黑龙江省", "黑龙江"), "31": ("上海市", "上海"),
    "32": ("江苏省", "江苏"), "33": ("浙江省", "浙江"), "34": ("安徽省", "安徽"),
    "35": ("福建省", "福建"), "36": ("江西省", "江西"), "37": ("山东省", "山东"),
    "41": ("河南省", "河南"), "42": ("湖北省", "湖北"), "43": ("湖南省", "湖南"),
    "44": ("广东省", "广东"), "45": ("广西壮族自治区", "广西"), "46": ("海南省", "海南"),
    "50": ("重庆市", "重庆"), "51": ("四川省", "四川"), "52": ("贵州省", "贵州"),
    "53": ("云南省", "云南"), "54": ("西藏自治区", "西藏"), "61": ("陕西省", "陕西"),
    "62": ("甘肃省", "甘肃"), "63": ("青海省", "青海"), "64": ("宁夏回族自治区", "宁夏"),
    "65": ("新疆维吾尔自治区", "新疆"), "71": ("台湾省", "台湾"), "81": ("香港特别行政区", "香港"),
    "82": ("澳门特别行政区", "澳门"),
})
# Prefecture-level cities recognised at the start of an address or a name: national reference,
# in regions/cities.txt (which says why some are left out).
CITIES: tuple[str, ...] = tuple(
    name for line in (resources.files("transform") / "regions" / "cities.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#") for name in line.split())

_COUNTRY_PREFIX = re.compile(r"^(?:中华人民共和国|中国)")
_BRACKETED = re.compile(r"^(?P<outer>[^()]+)\((?P<inner>[^()]+)\)$")
_TOWN_SUFFIX = re.compile(r"(?:街道|镇|乡)$")
_ZONE_DESIGNATION = re.compile(r"(?:经济技术开发区|经济开发区|经开区|开发区|高新区)$")
# Gazetteer entries that are only a designation (开发区, 经济开发区, 科技城, 科教新城) exist in
# every city; matching them would place any organisation in one particular district.
_GENERIC_AREA = re.compile(r"^(?:经济|技术|高新|科教|科技|现代|农业|示范)*(?:开发区|新城|城|园区)$")
# Shorter town forms (狮山, 凤凰, 玉山, 太平, 城南) are common words or other places' names.
_MIN_TOWN_FORM = 3


class RegionError(ValueError):
    """A region code with no reference data, or reference data that contradicts itself."""


@dataclass(frozen=True)
class NoticeSite:
    """A portal whose notice columns are read: `key` names it in the `base_urls` setting."""

    key: str  # "scjgj_suzhou"
    cms: str  # the portal software's kind, as extract/sources/notices.py names it
    base_url: str  # the live portal
    evidence: str  # where what is known about it comes from
    options: Mapping[str, str]  # what its kind needs besides the base URL (column_root, list_path, …)


@dataclass(frozen=True)
class NoticeColumn:
    site: str  # a NoticeSite key
    key: str  # the column, channel id or column number, as its site names it
    label: str  # "通知公告"
    first_page: str | None  # the first page's name, where the kind lets a column choose it


@dataclass(frozen=True)
class PlanReference:
    """The region's plan: its document number and title, and where it can be read if known —
    a page (`site` + `path`) or a file in the region's folder (`file`)."""

    document: str | None  # "苏委发〔2022〕30号"; None while the plan is not known
    title: str | None
    site: str | None
    path: str | None
    file: str | None


@dataclass(frozen=True)
class Measure:
    """One row of `indicators.csv`: an indicator of the region's plan and how it is measured
    (the columns of ref.measure, warehouse/migrations/004_indicators.sql)."""

    indicator_id: str  # `code`: the catalogue kind (transform.targets.INDICATOR_CATALOGUE)
    ordinal: int  # the row's place in the file, from 1
    label: str  # `name`
    unit: str
    comparator: str
    target: float
    deadline_year: int | None
    method: str  # registry | events | manual
    source_view: str  # mart.standard | mart.committee | core.indicator_event
    std_types: tuple[str, ...] | None
    aggregate: str  # count | sum | latest
    sources: tuple[str, ...]
    waits_for: str
    settings: str | None
    rule_zh: str
    rule_en: str


@dataclass(frozen=True)
class District:
    code: str  # "320583"
    name: str  # "昆山市"
    kind: str  # "district" | "county-level city"
    aliases: tuple[str, ...]  # ("昆山",)


@dataclass(frozen=True)
class DivisionCode:
    """One row of division_codes.csv: a code as it appears in credit codes and registries."""

    code: str  # "320503"
    name_as_coded: str  # "平江区"
    kind: str  # district | county-level city | prefecture | registration authority | statistical code
    valid: str  # "1983-2012", "since 2000", ...
    district: District | None  # today's district; None: the city as a whole, or ambiguous
    note: str


@dataclass(frozen=True)
class Place:
    """What a recognised place name refers to."""

    name: str  # the official name ("昆山市", "平江区", "浒墅关经开区（镇）")
    kind: str  # "district" | "former" | "town"
    district: District | None  # None: in the region, but no single district (吴县市)
    # Another city's place of the same name ("江阴市周庄镇 (无锡市)"): alone, the name is no evidence.
    shared_with: str = ""


@dataclass(frozen=True)
class Mention:
    """A place name found in a normalized text."""

    form: str  # as matched ("昆山", "苏州市工业园区")
    start: int
    end: int
    place: Place


def normalize_place_text(text: str) -> str:
    """Half-width, markup and all whitespace removed: the form place names are matched in."""
    return "".join(to_halfwidth(clean_text(text)).split())


@cache
def _city_after_province() -> re.Pattern[str]:
    """Two or three Han characters and 市. Compiled on first use: Python's re takes ~20 ms to compile the
    CJK range, which every command importing this module (the settings do) would pay for."""
    return re.compile(r"^[\u4e00-\u9fff]{2,3}?市")


def _alternation(forms: Mapping[str, Place]) -> re.Pattern[str]:
    """Longest forms first, so the alternation finds the leftmost-longest name."""
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) or r"(?!)")


@dataclass(frozen=True, eq=False)
class Region:
    """One prefecture-level city's reference data; build it with `load_region`."""

    code: str  # "3205"
    name: str  # "苏州市"
    aliases: tuple[str, ...]  # ("苏州市", "苏州")
    unknown_district_code: str  # "320500"
    unknown_district_name: str  # "区县未知"
    province: str  # "江苏省", from the first two digits of the code
    plan: PlanReference
    sites: tuple[NoticeSite, ...]
    columns: tuple[NoticeColumn, ...]
    measures: tuple[Measure, ...]  # indicators.csv
    folder: Traversable  # where its files are
    digest: str  # sha256 of every file in the folder as this Region read it (what attribution was made from)
    districts: tuple[District, ...]
    divisions: Mapping[str, DivisionCode]  # division code → what it means today
    towns: Mapping[str, str]  # gazetteer name or unambiguous alternative form → district code
    _district_places: Mapping[str, Place] = field(repr=False)
    _town_places: Mapping[str, Place] = field(repr=False)
    _district_pattern: re.Pattern[str] = field(repr=False)
    _town_pattern: re.Pattern[str] = field(repr=False)
    _region_pattern: re.Pattern[str] = field(repr=False)

    def district_by_code(self, code: str) -> District | None:
        """The district whose own code is `code` ("320583"); for historical codes see `divisions`."""
        return next((d for d in self.districts if d.code == code), None)

    def district_by_name(self, name_or_alias: str) -> District | None:
        """The district a name, alias or former name refers to ("昆山", "平江区" → 姑苏区).

        None when unknown, or when the name does not single out one district (吴县市).
        """
        place = self._district_places.get(normalize_place_text(name_or_alias))
        return place.district if place else None

    def district_mentions(self, text: str) -> list[Mention]:
        """District names, aliases and former names in normalized `text`, in order."""
        return [Mention(m.group(), m.start(), m.end(), self._district_places[m.group()])
                for m in self._district_pattern.finditer(text)]

    def town_mentions(self, text: str) -> list[Mention]:
        """Gazetteer towns and streets in normalized `text`, in order."""
        return [Mention(m.group(), m.start(), m.end(), self._town_places[m.group()])
                for m in self._town_pattern.finditer(text)]

    def region_mention(self, text: str) -> str | None:
        """The region's name or alias if normalized `text` contains it ("苏州市", "苏州")."""
        match = self._region_pattern.search(text)
        return match.group() if match else None

    def foreign_place_at_start(self, text: str, *, own_province_counts: bool) -> str | None:
        """The other province or city normalized `text` starts with, if any.

        Addresses and most organisation names open with the largest unit, so only the
        start is read (a road called 昆山路 in Shanghai must not matter). The region's own
        province is skipped; after its full name, any other `…市` is elsewhere in the
        province. With `own_province_counts`, the province's full name followed by no city
        ("江苏省质量和标准化研究院") also counts as outside the region.
        """
        rest = _COUNTRY_PREFIX.sub("", text)
        own_full, own_short = PROVINCES[self.code[:2]]
        named_own_province = rest.startswith(own_full)
        if named_own_province:
            rest = rest[len(own_full):]
        elif rest.startswith(own_short):
            rest = rest[len(own_short):]
        else:
            for full, short in PROVINCES.values():
                if rest.startswith(short):
                    return full
        if self._starts_with_own_place(rest):
            return None
        if named_own_province and (city := _city_after_province().match(rest)):
            return own_full + city.group()
        for city in CITIES:
            if rest.startswith(city):
                return f"{city}市"
        return own_full if named_own_province and own_province_counts else None

    def _starts_with_own_place(self, text: str) -> bool:
        return text.startswith(self.aliases) or self._district_pattern.match(text) is not None


def _folder(code: str, root: Path | None) -> Traversable:
    return (root if root is not None else resources.files("transform") / "regions") / code


def _folder_digest(folder: Traversable) -> str:
    """sha256 over every file of `folder`, its subfolders too, by relative name in order."""
    digest = hashlib.sha256()

    def add(entry: Traversable, name: str) -> None:
        if entry.is_dir():
            for child in sorted(entry.iterdir(), key=lambda c: c.name):
                add(child, f"{name}/{child.name}")
        elif entry.is_file():
            digest.update(f"\0{name}\0".encode() + entry.read_bytes())

    add(folder, "")
    return digest.hexdigest()


def region_codes(root: Path | None = None) -> tuple[str, ...]:
    """Every region with a folder (bundled, or under `root`), in code order."""
    top = root if root is not None else resources.files("transform") / "regions"
    return tuple(sorted(entry.name for entry in top.iterdir() if (entry / "region.toml").is_file()))


def _read(code: str, filename: str, root: Path | None = None) -> str:
    try:
        return (_folder(code, root) / filename).read_text(encoding="utf-8")
    except FileNotFoundError:
        where = root if root is not None else "transform/regions"
        raise RegionError(f"region {code!r}: no reference file {where}/{code}/{filename}") from None


def _rows(code: str, filename: str, root: Path | None = None) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(code, filename, root))))


def _add_form(places: dict[str, Place], ambiguous: set[str], form: str, place: Place) -> None:
    """Index `form`; a form that would point to two different districts is dropped for good."""
    form = normalize_place_text(form)
    if form in ambiguous:
        return
    known = places.get(form)
    if known is None:
        places[form] = place
    elif known.district != place.district:
        del places[form]
        ambiguous.add(form)


def _district_places(aliases: tuple[str, ...], districts: tuple[District, ...],
                     divisions: Mapping[str, DivisionCode]) -> dict[str, Place]:
    places: dict[str, Place] = {}
    ambiguous: set[str] = set()
    region_prefixes = sorted(aliases, key=len, reverse=True)
    for district in districts:
        place = Place(district.name, "district", district)
        for form in (district.name, *district.aliases):
            _add_form(places, ambiguous, form, place)
            # "苏州工业园区" is also written "苏州市工业园区": the same name under each region alias.
            prefix = next((a for a in region_prefixes if form.startswith(a)), None)
            if prefix and len(form) - len(prefix) >= 2:
                for other in aliases:
                    _add_form(places, ambiguous, other + form[len(prefix):], place)
    for division in divisions.values():
        # Former districts and county-level cities (平江区, 吴江市, 吴县市) still appear in old
        # addresses; two-character names (郊区) are too generic to match in free text.
        name = normalize_place_text(division.name_as_coded)
        if division.kind in ("district", "county-level city") and len(name) >= 3 and name not in places:
            _add_form(places, ambiguous, name, Place(division.name_as_coded, "former", division.district))
    return places


def _town_forms(name: str) -> list[str]:
    """The gazetteer name and the forms an address may use for it.

    `浒墅关经开区（镇）` → itself, 浒墅关经开区, 浒墅关镇, 浒墅关; `科技城（东渚街道）` → itself,
    东渚街道 (科技城 alone is generic, 东渚 too short); `狮山街道` → itself only.
    """
    name = normalize_place_text(name)
    forms = [name]
    bracketed = _BRACKETED.match(name)
    if bracketed:
        outer, inner = bracketed["outer"], bracketed["inner"]
        forms.append(outer)
        if _TOWN_SUFFIX.fullmatch(inner):
            core = _ZONE_DESIGNATION.sub("", outer)
            forms += [core + inner, core]
        elif _TOWN_SUFFIX.search(inner):
            forms.append(inner)
    forms += [_TOWN_SUFFIX.sub("", f) for f in forms if _TOWN_SUFFIX.search(f)]
    return [f for f in dict.fromkeys(forms) if len(f) >= _MIN_TOWN_FORM and not _GENERIC_AREA.fullmatch(f)]


def _town_places(rows: list[dict[str, str]], by_name: Mapping[str, District],
                 district_places: Mapping[str, Place], code: str) -> dict[str, Place]:
    places: dict[str, Place] = {}
    ambiguous: set[str] = set()
    for row in rows:
        district = by_name.get(row["district_name"])
        if district is None:
            raise RegionError(f"region {code!r}: towns.csv names unknown district {row['district_name']!r}")
        place = Place(row["town_name"], "town", district, row.get("shared_with") or "")
        for form in _town_forms(row["town_name"]):
            # A form that is also a district name or alias keeps its district meaning.
            if form not in district_places:
                _add_form(places, ambiguous, form, place)
    return places


@cache
def load_region(code: str, root: Path | None = None) -> Region:
    """The region with GB/T 2260 prefix `code` ("3205"), from its folder: the bundled
    `transform/regions/<code>/`, or `<root>/<code>/`."""
    try:
        settings = tomllib.loads(_read(code, "region.toml", root))
    except tomllib.TOMLDecodeError as exc:
        raise RegionError(f"region {code!r}: region.toml is not valid TOML ({exc})") from None
    if settings.get("code") != code or code[:2] not in PROVINCES:
        raise RegionError(f"region {code!r}: region.toml says code {settings.get('code')!r}")
    if settings.get("province", code[:2]) != code[:2]:
        raise RegionError(f"region {code!r}: region.toml says province {settings['province']!r}, "
                          f"but a {code[:2]}… code is in province {code[:2]}")
    districts = tuple(
        District(row["district_code"], row["district_name"], row["kind"],
                 tuple(a for a in row["aliases"].split("|") if a))
        for row in _rows(code, "districts.csv", root)
    )
    by_name = {d.name: d for d in districts}
    divisions: dict[str, DivisionCode] = {}
    for row in _rows(code, "division_codes.csv", root):
        today = row["district_today"]
        if today and today not in by_name:
            raise RegionError(f"region {code!r}: division_codes.csv maps {row['code']} to unknown {today!r}")
        # A code listed twice (320571 is also the park's statistical code) keeps its first meaning.
        divisions.setdefault(row["code"], DivisionCode(
            row["code"], row["name_as_coded"], row["kind"], row["valid"], by_name.get(today), row["note"]))
    aliases = tuple(settings["aliases"])
    district_places = _district_places(aliases, districts, divisions)
    town_places = _town_places(_rows(code, "towns.csv", root), by_name, district_places, code)
    sites, columns = _notice_sites(code, settings)
    folder = _folder(code, root)
    return Region(
        code=code,
        name=settings["name"],
        aliases=aliases,
        unknown_district_code=settings["unknown_district_code"],
        unknown_district_name=settings["unknown_district_name"],
        province=PROVINCES[code[:2]][0],
        plan=_plan_reference(code, settings, {s.key for s in sites}, root),
        sites=sites,
        columns=columns,
        measures=_measures(code, root),
        folder=folder,
        digest=_folder_digest(folder),
        districts=districts,
        divisions=MappingProxyType(divisions),
        towns=MappingProxyType({form: p.district.code for form, p in town_places.items() if p.district}),
        _district_places=MappingProxyType(district_places),
        _town_places=MappingProxyType(town_places),
        _district_pattern=_alternation(district_places),
        _town_pattern=_alternation(town_places),
        _region_pattern=re.compile("|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))),
    )


_SITE_FIELDS = ("key", "cms", "base_url", "evidence")
_COLUMN_FIELDS = ("site", "key", "label")


def _required(code: str, table: str, entry: object, names: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise RegionError(f"region {code!r}: region.toml [[{table}]] entries are tables")
    missing = [n for n in names if not isinstance(entry.get(n), str) or not entry[n].strip()]
    if missing:
        raise RegionError(f"region {code!r}: a region.toml [[{table}]] entry ({entry.get('key', '?')}) "
                          f"lacks {', '.join(missing)}")
    return entry


def _notice_sites(code: str, settings: Mapping) -> tuple[tuple[NoticeSite, ...], tuple[NoticeColumn, ...]]:
    """The `[[sites]]` and `[[columns]]` of region.toml: site keys unique, every column on a listed site."""
    sites = []
    for entry in settings.get("sites", []):
        entry = _required(code, "sites", entry, _SITE_FIELDS)
        options = {k: str(v) for k, v in entry.items() if k not in _SITE_FIELDS}
        sites.append(NoticeSite(entry["key"], entry["cms"], entry["base_url"].rstrip("/"), entry["evidence"],
                                MappingProxyType(options)))
    keys = [s.key for s in sites]
    if len(set(keys)) != len(keys):
        raise RegionError(f"region {code!r}: region.toml lists a site key twice ({', '.join(keys)})")
    columns = []
    for entry in settings.get("columns", []):
        entry = _required(code, "columns", entry, _COLUMN_FIELDS)
        if entry["site"] not in keys:
            raise RegionError(f"region {code!r}: column {entry['key']!r} is on site {entry['site']!r}, "
                              f"which region.toml does not list ([[sites]]: {', '.join(keys) or 'none'})")
        columns.append(NoticeColumn(entry["site"], entry["key"], entry["label"], entry.get("first_page")))
    return tuple(sites), tuple(columns)


def _plan_reference(code: str, settings: Mapping, site_keys: set[str], root: Path | None) -> PlanReference:
    """`[plan]`; absent, or with an empty document number, while the region's plan is not known."""
    plan = settings.get("plan", {})
    if not isinstance(plan, dict) or not all(isinstance(plan.get(k, ""), str) for k in ("document", "title")):
        raise RegionError(f"region {code!r}: region.toml [plan] is a table with the plan's document number and title")
    site, path, file = plan.get("site"), plan.get("path"), plan.get("file")
    if (site is None) != (path is None) or (site and file):
        raise RegionError(f"region {code!r}: [plan] gives either site and path, or file, or neither")
    if site is not None and site not in site_keys:
        raise RegionError(f"region {code!r}: [plan] site {site!r} is not one of region.toml's [[sites]]")
    if file is not None and not (_folder(code, root) / file).is_file():  # said now, not when a run wants it
        raise RegionError(f"region {code!r}: [plan] file {file!r} is not in the region's folder")
    return PlanReference(plan.get("document") or None, plan.get("title") or None, site, path, file)


def plan_file(region: Region) -> str:
    """Where the plan file the region's folder holds is, as a path (for a region whose `[plan]` names a `file`)."""
    return str(region.folder / str(region.plan.file))


def plan_owner(doc_number: str | None, root: Path | None = None) -> str | None:
    """The region whose folder's plan has document number `doc_number`, if any."""
    if not doc_number:
        return None
    return next((code for code in region_codes(root) if load_region(code, root).plan.document == doc_number), None)


_MEASURE_FIELDS = ("code", "name", "unit", "comparator", "target", "deadline", "method", "source_view",
                   "std_types", "aggregate", "sources", "waits_for", "settings", "rule_zh", "rule_en")
_METHODS = {"registry": {"mart.standard", "mart.committee"}, "events": {"core.indicator_event"},
            "manual": {"core.indicator_event"}}
_AGGREGATES = ("count", "sum", "latest")


def _list_cell(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("|") if v)


def _measures(code: str, root: Path | None) -> tuple[Measure, ...]:
    """The region's `indicators.csv`: each indicator of its plan, its target, and how it is
    measured. List cells (std_types, sources) are `|`-separated; an empty cell is none. A region
    whose plan is not known yet has no such file, and no measures."""
    if not (_folder(code, root) / "indicators.csv").is_file():
        return ()
    rows = _rows(code, "indicators.csv", root)
    if rows and (missing := [f for f in _MEASURE_FIELDS if f not in rows[0]]):
        raise RegionError(f"region {code!r}: indicators.csv lacks the column(s) {', '.join(missing)}")
    measures = []
    for ordinal, row in enumerate(rows, start=1):
        where = f"region {code!r}: indicators.csv row {ordinal + 1} ({row['code']})"
        if row["source_view"] not in _METHODS.get(row["method"], ()):
            raise RegionError(f"{where}: method {row['method']!r} with source_view {row['source_view']!r}; "
                              f"methods and their views: {dict((k, sorted(v)) for k, v in _METHODS.items())}")
        if row["aggregate"] not in _AGGREGATES:
            raise RegionError(f"{where}: aggregate {row['aggregate']!r}, not one of {', '.join(_AGGREGATES)}")
        try:
            target = float(row["target"])
            deadline = int(row["deadline"]) if row["deadline"] else None
        except ValueError:
            raise RegionError(f"{where}: target {row['target']!r} and deadline {row['deadline']!r} "
                              "must be a number and a year (or empty)") from None
        measures.append(Measure(
            row["code"], ordinal, row["name"], row["unit"], row["comparator"], target, deadline, row["method"],
            row["source_view"], _list_cell(row["std_types"]) or None, row["aggregate"], _list_cell(row["sources"]),
            row["waits_for"], row["settings"] or None, row["rule_zh"], row["rule_en"]))
    codes = [m.indicator_id for m in measures]
    if len(set(codes)) != len(codes):
        raise RegionError(f"region {code!r}: indicators.csv lists an indicator code twice")
    return tuple(measures)


@dataclass(frozen=True)
class MapTile:
    """A district's square on the region's tile map: `row` 0 is the north, `col` 0 the west."""

    district: District
    row: int
    col: int


@cache
def map_tiles(code: str) -> tuple[MapTile, ...]:
    """The region's tile map (`map_tiles.csv`): one tile per district, in its rough geographic place.

    A schematic, not borders: the report draws it where no district polygons with a stated source
    are bundled. Every district of the region must have exactly one tile, and no two share a square.
    """
    region = load_region(code)
    tiles = []
    for row in _rows(code, "map_tiles.csv"):
        district = region.district_by_code(row["district_code"])
        if district is None:
            raise RegionError(f"region {code!r}: map_tiles.csv names unknown district {row['district_code']!r}")
        tiles.append(MapTile(district, int(row["row"]), int(row["col"])))
    missing = [d.name for d in region.districts if d not in {t.district for t in tiles}]
    if missing or len({t.district.code for t in tiles}) != len(tiles):
        raise RegionError(f"region {code!r}: map_tiles.csv must list every district once; missing {missing}")
    if len({(t.row, t.col) for t in tiles}) != len(tiles):
        raise RegionError(f"region {code!r}: map_tiles.csv puts two districts on one square")
    return tuple(tiles)
