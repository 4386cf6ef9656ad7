"""The knowledge base of the help center (issue 25): categories, sections, articles and
their translations, revisions, votes and deflections."""
