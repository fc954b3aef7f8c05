"""Imports of open-standard files: 360Giving grants and OCDS releases and records.

A file is read into rows (``giving360``, ``ocds``: pure, no database), and the rows are
written through the same service functions the API calls (``writer``), in one write
transaction, so a file is imported whole or not at all. When a row is refused, every row is
attempted again to collect every refusal, the file is rolled back and the refusals are
reported, each with its row and field. Each award and competition keeps the publisher's own
id as its ``source_id`` (and each later event a mark of its own id), so importing a file
again writes nothing new. ``files`` puts the two together for one file.
"""
