app_name = "onestop"
urlpatterns = []
