"""The region a corpus is built for, read from its folder `transform/regions/<code>/` as data.

The mirror imports nothing of the product: it reads the folder's files the way an analyst
would. From them it takes the region's name, its districts (`districts.csv`, in file order),
the division codes credit codes carry (`division_codes.csv`: current ones, former ones and
their district today, city-level ones), the towns and streets with an NBS code (`towns.csv`,
kind `current`: the gazetteer addresses are written with) and the notice sites
(`region.toml` `[[sites]]`).

How names and addresses are written (the weight of each district, the prefixes names and
addresses use, the place words the generator keeps out of names) is the mirror's own: an
optional `mirror/data/regions/<code>.toml` fixes them (Suzhou's keeps the corpus a seed has
always given); without one they are derived from the folder, so adding a region's folder is
enough for the mirror to build it.
"""

from __future__ import annotations

import csv
import random
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mirror import vocab

REGIONS_DIR = Path(__file__).resolve().parents[1] / "transform" / "regions"
STYLE_DIR = Path(__file__).with_name("data") / "regions"
DEFAULT_REGION = "3205"

# Words that name a kind of zone in every city: an attribution may read them, so a generated
# name or address carries them only where it places the organisation on purpose.
_ZONE_WORDS = ("开发区", "新城", "度假区", "保税区", "园区", "高新区")


class RegionError(ValueError):
    """A region code with no folder, or a folder the mirror cannot build from."""


@dataclass(frozen=True)
class MirrorRegion:
    code: str  # "3205"
    name: str  # "苏州市"
    short: str  # "苏州"
    province: str  # "江苏省"
    province_short: str  # "江苏"
    unknown_code: str  # "320500": the division code of "in the city, district unknown"
    districts: tuple[str, ...]  # names, in districts.csv order
    district_weights: tuple[int, ...]  # relative share of the region's organisations per district
    current_code: dict[str, str]  # district → its GB/T 2260 code today (districts without one absent)
    historical_code: dict[str, str]  # former or authority code → district today
    city_codes: tuple[str, ...]  # codes that say only "in the city"
    all_towns: dict[str, tuple[str, ...]]  # district → its towns and streets with an NBS code
    gazetteer_towns: dict[str, tuple[str, ...]]  # district → towns that alone place an address there
    name_prefixes: dict[str, tuple[str, ...]]  # district → how names write it
    address_prefixes: dict[str, tuple[str, ...]]  # district → how addresses write it
    cue_tokens: tuple[str, ...]  # every place word an attribution might read
    roads: tuple[str, ...]  # road names with no place word
    brands: tuple[str, ...]  # two-character firm names with no place word
    outside_places: tuple  # vocab.OUTSIDE_PLACES without the region's own city
    outside_name_prefixes: tuple[str, ...]
    other_cities: tuple  # the province's other cities (vocab.JIANGSU_CITIES rows)
    other_city_weights: tuple[int, ...]
    postcodes: tuple[str, ...]  # the region's postcodes ("" = drawn like any other city's)
    phone_prefix: str  # "0512"
    district_aliases: dict[str, tuple[str, ...]]  # districts.csv aliases
    liaison_places: tuple[str, ...]  # short district forms inside liaison-station names (苏州吴中…联络站)
    sites: tuple[dict, ...]  # the notice sites: region.toml [[sites]] (key, cms, base_url, column_root…)
    columns: tuple[dict, ...]  # the notice columns read on them: region.toml [[columns]]

    def site_of(self, cms: str) -> str | None:
        """The key of the region's notice site of CMS kind `cms` (scjgj, szinf, hanweb); None if it has none."""
        return next((s["key"] for s in self.sites if s["cms"] == cms), None)

    def site(self, key: str) -> dict:
        return next(s for s in self.sites if s["key"] == key)

    def column_of(self, site: str) -> dict:
        """The (first) column the region reads on `site`."""
        return next(c for c in self.columns if c["site"] == site)

    @property
    def local_prefix(self) -> str:
        """The city's own local standards' prefix ("DB3205/T")."""
        return f"DB{self.code}/T"

    @property
    def regulator(self) -> str:
        return f"{self.name}市场监督管理局"

    def postcode(self, rng: random.Random) -> str:
        """A postcode in the city (the style file's, else any of the province's range)."""
        return rng.choice(self.postcodes) if self.postcodes else f"2{rng.randint(10000, 29999)}"

    def phone(self, rng: random.Random) -> str:
        """A landline in the city (the style file's area code, else a Jiangsu-like one)."""
        prefix = self.phone_prefix or f"0{rng.randint(510, 529)}"
        return f"{prefix}-6{rng.randint(1000000, 9999999)}"


def _stem(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _rows(folder: Path, filename: str) -> list[dict[str, str]]:
    path = folder / filename
    try:
        with path.open(encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        raise RegionError(f"region {folder.name}: no {path}; a region's folder needs {filename}") from None


def _derived_style(name: str, short: str, province: str, kinds: dict[str, str],
                   aliases: dict[str, tuple[str, ...]]) -> dict:
    """Name and address forms for a region with no style file: the forms real names and addresses use."""
    names: dict[str, tuple[str, ...]] = {}
    addresses: dict[str, tuple[str, ...]] = {}
    for d, kind in kinds.items():
        own = aliases[d][0] if aliases[d] else _stem(d, ("区", "市", "县"))
        if kind == "county-level city":
            names[d] = (own, d)
            addresses[d] = (f"{province}{d}", f"{province}{name}{d}", d)
        else:
            names[d] = (f"{name}{d}", f"{short}{own}", *(a for a in aliases[d] if a.startswith(short)))
            addresses[d] = (f"{province}{name}{d}", f"{name}{d}")
    return {"weights": {d: 1 for d in kinds}, "name_prefixes": names, "address_prefixes": addresses}


def _ambiguous(towns: list[dict[str, str]], aliases: dict[str, tuple[str, ...]]) -> set[str]:
    """Towns that alone do not place an address: names other cities have too (`shared_with`),
    and names holding another district's short name (虎丘街道 is in 姑苏区)."""
    out = {t["town_name"] for t in towns if t.get("shared_with")}
    for t in towns:
        others = [a for d, al in aliases.items() if d != t["district_name"] for a in al if len(a) >= 2]
        if any(a in t["town_name"] for a in others):
            out.add(t["town_name"])
    return out


@cache
def load_region(code: str) -> MirrorRegion:
    """The region `code` ("3205", "3202") from `transform/regions/<code>/`."""
    folder = REGIONS_DIR / code
    try:
        settings = tomllib.loads((folder / "region.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(sorted(p.name for p in REGIONS_DIR.iterdir() if (p / "region.toml").exists()))
        raise RegionError(f"no region {code!r}: there is no {folder}/region.toml (regions: {known})") from None
    if settings.get("code") != code or code[:2] not in vocab.PROVINCE_CODES:
        raise RegionError(f"region {code!r}: {folder}/region.toml says code {settings.get('code')!r}")
    name = settings["name"]
    short = min(settings["aliases"], key=len)
    province = vocab.PROVINCE_CODES[code[:2]]
    province_short = _stem(province, ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"))

    district_rows = _rows(folder, "districts.csv")
    districts = tuple(r["district_name"] for r in district_rows)
    own_code = {r["district_name"]: r["district_code"] for r in district_rows}
    kinds = {r["district_name"]: r["kind"] for r in district_rows}
    aliases = {r["district_name"]: tuple(a for a in r["aliases"].split("|") if a) for r in district_rows}

    current: dict[str, str] = {}
    historical: dict[str, str] = {}
    city_level: list[str] = []
    formers: list[str] = []
    for row in _rows(folder, "division_codes.csv"):
        division, today = row["code"], row["district_today"]
        if row["kind"] == "statistical code":
            continue  # NBS statistical codes never appear in credit codes
        if not today:
            city_level.append(division)
        elif own_code.get(today) == division:
            current[today] = division
        else:
            historical[division] = today
        if row["name_as_coded"] not in districts:
            formers.append(row["name_as_coded"])
    current = {d: current[d] for d in districts if d in current}

    town_rows = _rows(folder, "towns.csv")
    coded = [t for t in town_rows if t["kind"] == "current" and t["town_code"]]
    all_towns = {d: tuple(t["town_name"] for t in coded if t["district_name"] == d) for d in districts}
    ambiguous = _ambiguous(coded, aliases)
    gazetteer = {d: tuple(t for t in ts if t.endswith(("街道", "镇")) and "（" not in t and t not in ambiguous)
                 for d, ts in all_towns.items()}

    style_file = STYLE_DIR / f"{code}.toml"
    style = tomllib.loads(style_file.read_text(encoding="utf-8")) if style_file.exists() else {}
    derived = _derived_style(name, short, province, kinds, aliases)
    weights = style.get("weights", derived["weights"])
    names = {d: tuple(v) for d, v in style.get("name_prefixes", derived["name_prefixes"]).items()}
    addresses = {d: tuple(v) for d, v in style.get("address_prefixes", derived["address_prefixes"]).items()}
    if "cues" in style:
        region_cues = set(style["cues"])
    else:
        others = [t["town_name"] for t in town_rows if t not in coded]
        region_cues = ({short, *_ZONE_WORDS} | {_stem(d, ("区", "市", "县")) for d in districts}
                       | {a for al in aliases.values() for a in al}
                       | {_stem(f, ("区", "市", "县")) for f in formers if len(_stem(f, ("区", "市", "县"))) >= 2}
                       | {_stem(t, ("街道", "镇")) for t in others} | set(others))
    for d in districts:
        if d not in names or d not in addresses or d not in weights:
            raise RegionError(f"region {code}: {style_file} has no name or address forms for {d}")
    cues = tuple(sorted(
        region_cues | set(vocab.OTHER_PLACES)
        | {_stem(t, ("街道", "镇")) for ts in all_towns.values() for t in ts if len(_stem(t, ("街道", "镇"))) >= 2}
        | {t for ts in all_towns.values() for t in ts}
    ))

    def own(city_short: str) -> bool:
        return city_short in (short, name)

    others_idx = [i for i, c in enumerate(vocab.JIANGSU_CITIES) if c[2] != code]
    return MirrorRegion(
        code=code, name=name, short=short, province=province, province_short=province_short,
        unknown_code=settings["unknown_district_code"],
        districts=districts, district_weights=tuple(weights[d] for d in districts),
        current_code=current, historical_code=historical, city_codes=tuple(city_level),
        all_towns=all_towns, gazetteer_towns=gazetteer, name_prefixes=names, address_prefixes=addresses,
        cue_tokens=cues,
        roads=tuple(r for r in vocab.ROAD_NAMES if not any(tok in r for tok in cues)),
        brands=tuple(a + b for a in vocab.BRAND_CHARS for b in vocab.BRAND_CHARS
                     if a != b and not any(tok in a + b for tok in cues)),
        outside_places=tuple(p for p in vocab.OUTSIDE_PLACES if not own(p[0])),
        outside_name_prefixes=tuple(p for p in vocab.OUTSIDE_NAME_PREFIXES if not own(p)),
        other_cities=tuple(vocab.JIANGSU_CITIES[i] for i in others_idx),
        other_city_weights=tuple(vocab.JIANGSU_CITY_WEIGHTS[i] for i in others_idx),
        postcodes=tuple(style.get("postcodes", ())),
        phone_prefix=style.get("phone_prefix", ""),
        district_aliases=aliases,
        liaison_places=tuple(style.get("liaison_places", (aliases[d][0] if aliases[d] else _stem(d, ("区", "市", "县"))
                                                           for d in districts[:3]))),
        sites=tuple(settings.get("sites", ())),
        columns=tuple(settings.get("columns", ())),
    )
