"""Customer satisfaction (CSAT, issue 26): the requester's Good/Bad rating of a solved
ticket, from the survey email's signed links or the help center's request page."""
