"""Helpers for browser tests (fixtures `browser` and `page` live in tests/conftest.py)."""


def login(page, username: str, password: str = "x-Strong-Pass-2026") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
