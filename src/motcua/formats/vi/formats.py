"""Vietnamese number formats: Django's own "vi" locale has no thousands grouping, so amounts
printed 50000 đ; Vietnamese writes 50.000 đ and 1,5 ngày."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
