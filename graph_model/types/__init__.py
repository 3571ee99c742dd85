"""Value types: one module each, one function to clean and validate a raw export value.

Every cleaner takes the raw value (string, number or None) and returns the
stored form, None for "empty", or raises :class:`ValueError` with a short
reason that the loaders put into the rejection report.
"""

from graph_model.types.amounts import clean_amount
from graph_model.types.case_numbers import CaseNumber, parse_case_no
from graph_model.types.dates import clean_date
from graph_model.types.identifiers import check_id_number, valid_resident_id, valid_social_credit_code
from graph_model.types.lists import clean_list
from graph_model.types.shares import clean_share
from graph_model.types.text import clean_address, clean_phone, clean_text, is_empty

__all__ = [
    "CaseNumber",
    "check_id_number",
    "clean_address",
    "clean_amount",
    "clean_date",
    "clean_list",
    "clean_phone",
    "clean_share",
    "clean_text",
    "is_empty",
    "parse_case_no",
    "valid_resident_id",
    "valid_social_credit_code",
]
