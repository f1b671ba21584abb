from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_patient:
        return redirect("programs:today")
    return render(request, "home.html")
