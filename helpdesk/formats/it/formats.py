# "b": the month's three lowercase letters, from the catalogue ("nov", "mag", "set").
DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i"
# Tables (settings, delivery log) use the same day-month-year order, shorter.
SHORT_DATETIME_FORMAT = "j b Y, H:i"
