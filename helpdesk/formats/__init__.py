"""Date formats per language, over Django's own (settings.FORMAT_MODULE_PATH).

One compact style everywhere a date is shown: day, short month, year, 24-hour time. In
Italian and Spanish the month is lowercase, as those languages write it ("23 nov 2026,
10:42"); Django's Italian catalogue capitalises month and weekday names ("Lunedì 23
Novembre"), which reads wrong to an Italian.
"""
