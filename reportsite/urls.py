from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "政府信息公开工作年度报告系统管理"
admin.site.site_title = "年度报告系统管理"
admin.site.index_title = "站点管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("disclosure.urls")),
]
