"""Reading and checking research files: data (wide or long) and codebooks. No writes.

- ``tables``: ``TableReader``, the rows of a ``.csv`` or ``.xlsx``, streamed, with its limits.
- ``values``: one cell checked against its measure.
- ``data``: ``DataFileReader``, the rows of a data file turned into checked values.
- ``codebook``: ``CodebookReader``, the rows of a codebook turned into measure specs.
- ``problems``: what is wrong where (line, column, reason), collected for all or nothing.
- ``writing``: writing the checked values in bulk (used by ``research.services.imports``).
"""
