"""Pure domain layer of the Service Quality Standard backend (standard library only).

Implements SPEC §1–2: the fiscal calendar, frameworks and their validation, exact scoring with
explanations and gaps, submission requirements, the report workflow and rewards. Nothing here
touches a database, the network or the clock; the layers above call in with plain values.
See ``docs/domain-interface.md`` for the names other layers rely on.
"""
