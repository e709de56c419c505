from .analysis_urls import urlpatterns as analysis_urlpatterns

app_name = "research"

urlpatterns: list = []

# Statistics, material, coding and themes (the analysis half; see analysis_urls.py).
urlpatterns += analysis_urlpatterns
