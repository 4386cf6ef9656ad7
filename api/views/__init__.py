"""The API's views, one module per resource. Each parses input, calls one service or
selector of the domain (through ``api.services`` for Zendesk's payloads), and answers in
Zendesk's envelope."""
