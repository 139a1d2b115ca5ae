"""The list of everything that contributes to the site.

``PROVIDERS``: functions ``(registry, ctx) -> Iterable[Page | DataFile]``, run in order.
``FINISHERS``: functions ``(registry, ctx, files) -> Iterable[DataFile]`` run after every
provider, given the data files made (the manifest, which hashes them all).
``RECORD_SECTIONS``: functions ``(record, registry, ctx) -> str`` returning HTML (escaped by
the function) shown on every record page after its fields and related records.
Add yours to the tuples below; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Iterator

from mulu.core.registry import Registry
from mulu.site.api import api_files
from mulu.site.catalogue import catalogue_pages
from mulu.site.changelog import changelog_provider, notice_changes, record_timeline
from mulu.site.check import check_pages
from mulu.site.demand_pages import demand_section, supply_pages
from mulu.site.downloads import download_files
from mulu.site.editions import edition_pages, notice_edition_section
from mulu.site.find import find_page
from mulu.site.home import home_page
from mulu.site.jurisdictions import jurisdiction_pages
from mulu.site.manifest import manifest_files
from mulu.site.model import Page, ProviderFn, SiteContext
from mulu.site.notices import notices_index
from mulu.site.occupations import occupation_pages
from mulu.site.publications import publication_files, verification_box
from mulu.site.records import RecordSection, record_pages
from mulu.site.render import FinisherFn
from mulu.site.search import search_page
from mulu.site.shortage_pages import shortage_section
from mulu.site.stats_page import stats_pages
from mulu.site.subscribe import subscribe_page
from mulu.site.vocabulary_page import vocabulary_pages
from mulu.site.where_pages import unit_programmes_section

RECORD_SECTIONS: tuple[RecordSection, ...] = (unit_programmes_section, notice_edition_section, notice_changes, shortage_section,
                                              demand_section,
                                              record_timeline, verification_box)


def records(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """Record pages with the current ``RECORD_SECTIONS`` (looked up when the build runs)."""
    return record_pages(registry, ctx, RECORD_SECTIONS)


PROVIDERS: tuple[ProviderFn, ...] = (
    home_page,
    check_pages,
    catalogue_pages,
    notices_index,
    jurisdiction_pages,
    records,
    api_files,
    download_files,
    changelog_provider,
    subscribe_page,
    edition_pages,
    stats_pages,
    vocabulary_pages,
    supply_pages,
    occupation_pages,
    find_page,
    publication_files,
    search_page,
)

# Run in a second process while this one makes everything else (mulu.core.parallel): the
# downloads (spreadsheets are slow to write) take about as long as all the other providers
# together (CPU seconds at 10,000 records: 8.0 against 6.5; docs/dev/scale.md).
BACKGROUND: frozenset[ProviderFn] = frozenset({download_files})

FINISHERS: tuple[FinisherFn, ...] = (manifest_files,)
