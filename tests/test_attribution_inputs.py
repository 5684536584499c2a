"""The attribution is skipped only when core.org was attributed from the very inputs it would read
(flows.attribute.attribute_all, `attribution_inputs`): a new name, new evidence, a changed override
or a core.org written since each make it attribute again, and then it places as the evidence says."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import flows.attribute as attribute
import transform
from flows.attribute import attribute_all
from flows.loading import record_counting_settings
from flows.settings import load_settings
from test_warehouse import standard
from transform.attribution import load_region
from transform.orgs import normalize_org_name
from transform.records import Attribution, OrgEvidence
from warehouse import Warehouse

CITY_ONLY = "苏州甲精密机械有限公司"  # says 苏州 only: in the region, no district
KUNSHAN = "昆山丁电子有限公司"  # placed by its name
LATER = "太仓戊新材料有限公司"


@pytest.fixture
def session(tmp_path, monkeypatch):
    """A write session over two standards, one per drafter; yields (session, settings, resolutions),
    where resolutions counts the names `attribute_all` resolved."""
    monkeypatch.setenv("STDWATCH_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    resolved: list[str] = []
    real_resolve = attribute.resolve

    def counting(region, *, name, **kwargs):
        resolved.append(name)
        return real_resolve(region, name=name, **kwargs)

    monkeypatch.setattr(attribute, "resolve", counting)
    with Warehouse(settings.warehouse_path, org_key=normalize_org_name).writing() as w:
        record_counting_settings(w, settings, load_region(settings.region))
        w.merge_standards([standard("GB/T 1-2023", n=1, drafters=(CITY_ONLY,), issued=date(2023, 3, 1)),
                           standard("GB/T 2-2023", n=2, drafters=(KUNSHAN,), issued=date(2023, 3, 2))], "run-1")
        yield w, settings, resolved


def districts(w) -> dict[str, str | None]:
    return dict(w.con.execute("SELECT n.org_name, o.district_name FROM core.org_name n "
                              "JOIN core.org o USING (org_key)").fetchall())


def test_the_same_inputs_twice_are_attributed_once(session):
    w, settings, resolved = session
    attribute_all(w, settings, {})
    assert sorted(resolved) == sorted([CITY_ONLY, KUNSHAN])
    assert districts(w) == {CITY_ONLY: None, KUNSHAN: "昆山市"}
    before = w.con.execute("SELECT * FROM core.org ORDER BY org_key").fetchall()
    resolved.clear()
    attribute_all(w, settings, {})
    assert resolved == []
    assert w.con.execute("SELECT * FROM core.org ORDER BY org_key").fetchall() == before


def test_new_evidence_places_the_organisation_it_names(session):
    w, settings, resolved = session
    attribute_all(w, settings, {})
    w.add_org_evidence([OrgEvidence(name=CITY_ONLY, source="qybz", address="苏州市吴中区木渎镇金枫路1号")])
    resolved.clear()
    attribute_all(w, settings, {})
    assert resolved and districts(w)[CITY_ONLY] == "吴中区"


def test_an_override_changed_is_applied(session):
    w, settings, resolved = session
    attribute_all(w, settings, {})
    attribute_all(w, settings, {normalize_org_name(CITY_ONLY): "姑苏区"})
    assert districts(w) == {CITY_ONLY: "姑苏区", KUNSHAN: "昆山市"}
    attribute_all(w, settings, {})  # and withdrawn
    assert districts(w) == {CITY_ONLY: None, KUNSHAN: "昆山市"}


def test_a_new_drafter_is_attributed(session):
    w, settings, resolved = session
    attribute_all(w, settings, {})
    w.merge_standards([standard("GB/T 3-2023", n=3, drafters=(LATER,), issued=date(2023, 3, 3))], "run-2")
    attribute_all(w, settings, {})
    assert districts(w) == {CITY_ONLY: None, KUNSHAN: "昆山市", LATER: "太仓市"}


def test_core_org_written_since_is_attributed_again(session):
    w, settings, resolved = session
    attribute_all(w, settings, {})
    wrong = Attribution(in_region=True, district_code="320508", district_name="姑苏区", method="override", uscc_valid=None,
                        confidence=1.0)
    w.replace_org_attributions([(None, name, wrong) for name in (CITY_ONLY, KUNSHAN)])
    attribute_all(w, settings, {})
    assert districts(w) == {CITY_ONLY: None, KUNSHAN: "昆山市"}


def test_a_regions_digest_is_its_folders_files(tmp_path):
    """`Region.digest`, in the attribution's inputs: the same files give the same digest, a changed
    town list another one."""
    bundled = Path(transform.__file__).parent / "regions" / "3205"
    same, edited = tmp_path / "same", tmp_path / "edited"
    for root in (same, edited):
        shutil.copytree(bundled, root / "3205")
    towns = edited / "3205" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8") + "320506999,新设街道,320506,吴中区,current,test,\n",
                     encoding="utf-8")
    assert load_region("3205", same).digest == load_region("3205").digest
    assert load_region("3205", edited).digest != load_region("3205").digest
