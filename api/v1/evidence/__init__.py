"""Evidence files: streamed uploads, metadata, downloads, listings and deletion."""
