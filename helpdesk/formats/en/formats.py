DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
# Tables (settings, delivery log) use the same day-month-year order, shorter.
SHORT_DATETIME_FORMAT = "j M Y, H:i"
