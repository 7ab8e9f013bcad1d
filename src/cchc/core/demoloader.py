"""Demo data: each app may have a `demo.py` with `load(out)`; they run in INSTALLED_APPS order."""

import importlib

from django.apps import apps


def demo_loaders():
    for config in apps.get_app_configs():
        if not config.name.startswith("cchc."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        yield config.label, module.load
