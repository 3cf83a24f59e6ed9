"""The playbook: corpus and user documents ingested, indexed (chromadb + BM25), retrieved and cited."""
