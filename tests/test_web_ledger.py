"""The ledger page: the checkpoint and key it shows are the API's, and its entries page back
through the whole ledger, newest first, with stable links."""

import hashlib
import re

import orjson


def _seqs(html: str) -> list[int]:
    return [int(seq) for seq in re.findall(r'<a href="/api/v1/ledger/entries/(\d+)"', html)]


def test_the_ledger_page_shows_the_signed_checkpoint_and_the_key(demo_client):
    html = demo_client.get("/ledger", params={"lang": "en"}).text
    note = demo_client.get("/api/v1/ledger/checkpoint").text
    key = demo_client.get("/api/v1/ledger/key").text.strip()
    origin, size, root, *_ = note.split("\n")
    assert (
        f'<pre class="note" tabindex="0" aria-label="Signed checkpoint note">{note}</pre>' in html
    )
    assert f"<dd>{int(size):,}</dd>" in html
    assert f'<code class="hash">{root}</code>' in html
    assert f'<code class="hash">{key}</code>' in html
    assert f"<code>{key.split('+')[1]}</code>" in html
    assert f"<code>{origin}</code>" in html


def test_entries_page_back_through_the_whole_ledger(demo_client):
    size = int(demo_client.get("/api/v1/ledger/checkpoint").text.split("\n")[1])
    seen: list[int] = []
    url: str | None = "/ledger"
    pages = 0
    while url is not None:
        html = demo_client.get(url).text
        seen.extend(_seqs(html))
        older = re.search(r'<a href="(/ledger\?before=\d+)">[^<]*→</a>', html)
        url = older.group(1) if older else None
        pages += 1
        assert pages <= size // 50 + 2
    assert seen == list(range(size - 1, -1, -1))


def test_an_entry_row_is_the_leaf_as_served(demo_client):
    html = demo_client.get("/ledger", params={"before": 120, "lang": "en"}).text
    assert _seqs(html) == list(range(119, 69, -1))
    leaf = demo_client.get("/api/v1/ledger/leaves", params={"start": 100, "end": 101}).content
    leaf = leaf.rstrip(b"\n")
    entry = orjson.loads(leaf)
    digest = hashlib.sha256(b"\x00" + leaf).hexdigest()
    row = html[html.index('<a href="/api/v1/ledger/entries/100"') :].split("</tr>")[0]
    assert f"<code>{entry['kind']}</code>" in row
    assert f'title="{digest}"' in row
    assert entry["subject"] in row
    newer = re.search(r'<a href="(/ledger[^"]*)">← Newer entries</a>', html)
    assert newer is not None
    assert newer.group(1) == "/ledger?before=170&amp;lang=en"


def test_a_bad_page_number_is_a_400_page(demo_client):
    response = demo_client.get("/ledger", params={"before": "0"})
    assert response.status_code == 400
    assert "query.before" in response.text
    assert response.headers["content-type"].startswith("text/html")
