"""Safe retries for API writes: the ``Idempotency-Key`` header (see ``middleware``)."""
