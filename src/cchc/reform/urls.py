app_name = "reform"
urlpatterns = []
