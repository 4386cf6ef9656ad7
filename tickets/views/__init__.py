"""The agent workspace: server-rendered pages over the tickets and accounts domains."""
