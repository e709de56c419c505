"""Writes of research data: one function per business action, keyword-only, atomic.

By topic: ``waves``, ``codebook`` (measures and codebook files), ``observations``
(a data file imported), ``import_batches`` (uploads checked and imported in the
background), ``coding`` (materials, themes, coded passages). The public services
are importable from here too.
"""

from .codebook import MEASURE_FIELDS, CodebookResult, codebook_import, measure_delete, measure_save
from .coding import (
    fragment_create,
    fragment_delete,
    material_create,
    material_update,
    theme_create,
    theme_update,
)
from .data_version import data_version_bump
from .evidence import goal_measures_set
from .import_batches import (
    import_batch_confirm,
    import_batch_process,
    import_batch_send,
    import_batch_upload,
    import_batches_resend_stale,
    progress_key,
)
from .observations import ImportResult, observations_import
from .waves import wave_create, wave_update, waves_ensure_defaults

__all__ = [
    "data_version_bump",
    "goal_measures_set",
    "MEASURE_FIELDS",
    "CodebookResult",
    "ImportResult",
    "codebook_import",
    "fragment_create",
    "fragment_delete",
    "import_batch_confirm",
    "import_batch_process",
    "import_batch_send",
    "import_batch_upload",
    "import_batches_resend_stale",
    "material_create",
    "material_update",
    "measure_delete",
    "measure_save",
    "observations_import",
    "progress_key",
    "theme_create",
    "theme_update",
    "wave_create",
    "wave_update",
    "waves_ensure_defaults",
]
