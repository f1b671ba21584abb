"""The education articles."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from programs.models import Article


def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.filter(published=True).order_by("title")
    return render(request, "programs/library/article_list.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article, slug=slug, published=True)
    return render(request, "programs/library/article.html", {"article": article})
