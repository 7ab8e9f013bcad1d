from django.shortcuts import render

from cchc.core.navigation import nav_items


def home(request):
    """The public front page: what citizens, businesses and the public can do here."""
    public = [item for item in nav_items() if item.public]
    return render(request, "portal/home.html", {"public_items": public})
