"""The desk's forms offer to compute a document's SHA-256 from a file, on both databases: a
picker beside each SHA-256 box, hidden until the page's module shows it, that names the boxes
it fills in and carries no name (the form never sends the file), with the module served
under the portal's Content-Security-Policy; forms without a document have neither. What the
browser does with it is tests/browser/test_desk_files_browser.py's."""

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_desk import sign_in

from registry.web.desk.pages import FILE_MAX_MEGABYTES


def picker(html: str, box: str) -> str:
    """The file picker beside the SHA-256 box whose id is ``box``, as the page has it."""
    found = re.search(
        rf'<div class="file-digest"[^>]*data-sha256="{box}"[^>]*>.*?</div>',
        html,
        re.DOTALL,
    )
    assert found, f"no file picker beside {box}"
    return found[0]


@pytest.mark.parametrize(
    ("key", "slug", "params", "box", "size_box"),
    [
        ("overseer", "conclusion", {}, "f-attachments-0-sha256", "f-attachments-0-size"),
        (
            "fund",
            "competition-commission-decided",
            {"competition_id": ""},
            "f-document_sha256",
            None,
        ),
        ("fund", "competition-final-results", {"competition_id": ""}, "f-document_sha256", None),
    ],
)
def test_a_sha256_box_has_a_file_picker_shown_by_a_module(
    desk: Desk,
    browser_like: TestClient,
    key: str,
    slug: str,
    params: dict[str, str],
    box: str,
    size_box: str | None,
) -> None:
    sign_in(browser_like, desk.overseer if key == "overseer" else desk.world.fund)
    params = dict.fromkeys(params, desk.competition["id"]) | {"lang": "en"}
    page = browser_like.get(f"/desk/forms/{slug}", params=params)
    assert page.status_code == 200, page.text
    html = unescape(page.text)
    found = picker(html, box)
    assert " hidden" in found.split(">", 1)[0]  # until the module shows it
    assert (f'data-size="{size_box}"' in found) is (size_box is not None)
    assert f'data-max-bytes="{FILE_MAX_MEGABYTES * 1024 * 1024}"' in found
    assert f"larger than {FILE_MAX_MEGABYTES} MB" in found
    assert f'<label for="{box}-file">Compute from a file</label>' in found
    file_input = re.search(r"<input [^>]*type=\"file\"[^>]*>", found)
    assert file_input
    assert "name=" not in file_input[0]  # never sent with the form
    assert "The file is not uploaded" in found
    assert f'id="{box}" name=' in html  # the box itself, typed by hand as before
    assert 'enctype="multipart' not in html
    script = re.search(r'<script type="module" src="(/static/[^"]+/js/file-digest\.js)">', html)
    assert script, "the page does not load file-digest.js"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    module = browser_like.get(script[1])
    assert module.status_code == 200
    assert "javascript" in module.headers["content-type"]
    assert 'crypto.subtle.digest("SHA-256"' in module.text


def test_a_form_without_a_document_has_no_picker(desk: Desk, browser_like: TestClient) -> None:
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/award", params={"lang": "en"})
    assert page.status_code == 200
    assert "data-file-digest" not in page.text
    assert "file-digest.js" not in page.text
