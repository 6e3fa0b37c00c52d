# Django's Arabic formats group no digits, so 12500 would read "12500" while English shows
# "12,500": group by thousands with the locale's separator, as every other language does.
NUMBER_GROUPING = 3
