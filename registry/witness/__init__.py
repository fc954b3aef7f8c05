"""A transparency-log witness: a separate process that cosigns other logs' checkpoints.

c2sp.org/tlog-witness (copy in ``shared/standards/c2sp/tlog-witness.md``): a log POSTs each
new checkpoint to ``/add-checkpoint`` with a consistency proof from the size this witness last
cosigned; the witness checks the log's signature and the proof, records the checkpoint, and
answers with a cosignature/v1 line (``registry.ledger.cosignature``). Because it only ever
moves forward along consistency proofs, it never cosigns two different trees of one size, so
a log that shows different histories to different people is caught by anyone who requires
cosignatures from witnesses they trust.

* ``protocol``: the request body, parsed strictly (pure);
* ``logs``: the file of trusted log keys (pure);
* ``service``: the checks, in the order the spec lists them, and the cosigning;
* ``repository`` and ``models``: the witness's own small SQLite database, one row per log;
* ``app``: the HTTP endpoints and the ``registry witness`` commands' start-up.

It needs neither the registry's database nor its settings.
"""
