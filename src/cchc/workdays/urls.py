app_name = "workdays"
urlpatterns = []
