app_name = "phases"

urlpatterns: list = []
