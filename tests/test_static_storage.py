"""Production static URLs: the hashed name from the manifest, worked out once per process."""

import json

import pytest

from therapy.storage import HashedStaticFilesStorage, StaticFilesStorage


@pytest.mark.parametrize("storage_class", [StaticFilesStorage, HashedStaticFilesStorage])
def test_static_urls_are_the_manifests_hashed_names_looked_up_once(tmp_path, storage_class):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps(
            {"version": "1.1", "paths": {"css/app.css": "css/app.0123abcd.css"}, "hash": "x"}
        )
    )
    storage = storage_class(location=tmp_path, base_url="/static/")

    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    # a second page asks again: the same URL, without going back to the manifest
    storage.hashed_files.clear()
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    # a name the manifest does not know is still an error every time, never remembered
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
