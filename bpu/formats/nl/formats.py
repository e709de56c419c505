# "b" is the month abbreviation as the language writes it: lower case in Dutch.
DATE_FORMAT = "j F Y"  # 1 december 2026
SHORT_DATE_FORMAT = "j b Y"  # 1 dec 2026
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j b Y H:i"
