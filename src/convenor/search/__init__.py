"""One search across what a user may see: threat-picture entities and records, organised crime
groups and their members, intelligence subjects (ADR 0070)."""
