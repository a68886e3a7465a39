from django.urls import URLPattern

rotas: list[URLPattern] = []
