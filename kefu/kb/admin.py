"""The category tree in the admin site. Articles are changed only through ``kefu.kb.workflow``
(so every change is a recorded step); the admin lists them read-only."""

from django.contrib import admin

from kefu.kb.models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "version", "effective_from", "effective_to"]
    list_filter = ["status", "category"]
    search_fields = ["title"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
