# Django's Arabic formats group no digits, so 12500 would read "12500" while English shows
# "12,500": group by thousands with the locale's separator, as every other language does.
NUMBER_GROUPING = 3

# Nor do they define date-and-time formats, so English ones ("نوفمبر 29, 2026, 4:15 ص") were
# used: day, month, year in the Arabic order of Django's DATE_FORMAT, then the time.
DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y g:i A"
