"""The GB 32100-2015 check character, against public test vectors listed in docs/dev/domain.md."""

import pytest

from mulu.core.creditcode import is_valid


@pytest.mark.parametrize("code", ["91110000600037341L", "121200004013590816", "9144030071526726XG",
                                  "91310115MA1K3BTP2B", "92340602MA2PBMEM24", "91350100M000100Y43"])
def test_public_codes_pass(code: str) -> None:
    assert is_valid(code)


@pytest.mark.parametrize("code", ["91350100M000100Y4Z", "91350100M0001TGQXM", "91110000600037341", "91110000600037341I"])
def test_failing_codes(code: str) -> None:
    assert not is_valid(code)
