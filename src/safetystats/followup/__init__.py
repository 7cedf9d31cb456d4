"""The follow-up loop with the units (DATA_SPEC 8.6, 8.7): templates and packages go out as
workbooks carrying a hidden marker sheet, and come back into the raw folder, where the marker
says what they are (``marker``)."""
