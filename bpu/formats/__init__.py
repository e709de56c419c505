"""Date formats per language (settings.FORMAT_MODULE_PATH), on top of Django's own.

Django's English formats are American ("Nov. 24, 2026", "11/24/2026"), and its
"M" capitalises Dutch month abbreviations ("1 Dec 2026"). Templates use these
names (DATE_FORMAT, SHORT_DATE_FORMAT, ...), never a literal format.
"""
