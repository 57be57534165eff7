"""The programme's documents: a unit's report forms and the round summary as Thai PDFs (A4,
set in TLWG Laksaman, the Sarabun family), and the charts as SVG.

``unit_facts`` and ``round_facts`` gather what a document shows through the services that
answer the same data (so the same access rules hold); ``charts`` draws the SVGs; ``typeset``
turns the facts into a PDF with Typst. Gathering needs the database, typesetting does not:
the API reads in a unit of work, lets it go, and typesets afterwards.
"""
