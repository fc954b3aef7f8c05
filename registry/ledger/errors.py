"""The one exception the pure ledger code raises when something does not verify."""


class VerificationError(Exception):
    """A proof, signature, checkpoint or chain link does not verify, or is malformed.

    Callers catch this one type: a malformed input (wrong hash length, bad base64, an
    index out of range) is reported the same way as a hash mismatch, so no failure
    can slip past a caller that expected only a mismatch.
    """
