"""Imports of open-standard files: 360Giving grants and OCDS releases and records.

A file is read into rows (``giving360``, ``ocds``: pure, no database), and the rows are
written through the same service functions the API calls (``writer``), in one write
transaction: every row is attempted, every refusal is collected, and if there is any the
whole file is rolled back and the refusals are reported, each with its row and field.
Each award keeps the publisher's own id as its ``source_id``, so importing a file again
writes nothing new.
"""
