"""The bundled demo directory: real national helplines (numbers checked against
../shared/REFERENCE.md) and made-up example local groups, each marked is_demo and saying
"Example listing" in its description, so demo data is never presented as real."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.models import Organisation
from directory.records import Feed, ListingRecord, OrganisationRecord
from directory.repository import upsert_listing, upsert_organisation

DEMO_FILE = Path(__file__).with_name("data") / "demo_directory.json"


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("start_time", "end_time"):
        if out.get(key):
            out[key] = time.fromisoformat(out[key])
    if out.get("anchor_date"):
        out["anchor_date"] = date.fromisoformat(out["anchor_date"])
    if out.get("last_verified_at"):
        out["last_verified_at"] = datetime.fromisoformat(out["last_verified_at"])
    return out


def demo_feed(path: Path = DEMO_FILE) -> Feed:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Feed(
        organisations=[OrganisationRecord(**_typed(o)) for o in raw["organisations"]],
        listings=[ListingRecord(**_typed(item)) for item in raw["listings"]],
    )


def load_demo_if_empty(session: Session) -> bool:
    """Load the demo directory into an empty database; True if it did."""
    if session.scalar(select(func.count()).select_from(Organisation)):
        return False
    feed = demo_feed()
    for org in feed.organisations:
        upsert_organisation(session, org, actor="demo")
    for listing in feed.listings:
        upsert_listing(session, listing, actor="demo")
    session.commit()
    return True
