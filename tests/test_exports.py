import pytest

from portal.exports import safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+62812", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_it_quotes_cells_a_spreadsheet_would_evaluate(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Maria Bere", "", "198504122010032022", 12, None])
def test_it_leaves_other_values_alone(value):
    assert safe_cell(value) == value
