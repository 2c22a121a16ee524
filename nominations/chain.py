"""The chain now lives in `campaigns.chain`, where the campaign's preview can call it too; this
name stays until `nominations.services` imports it from there."""

from campaigns.chain import ChainError, nomination_chain

__all__ = ["ChainError", "nomination_chain"]
