"""Text normalisation shared by search, NER and topics."""
