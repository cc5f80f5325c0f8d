"""The category tree and the standard phrases (常用语) in the admin site. Articles are changed
only through ``kefu.kb.workflow`` (so every change is a recorded step); the admin lists them
read-only."""

from django.contrib import admin

from kefu.kb.models import Article, Category, Phrase


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


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "call_type", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["kind", "is_active", "call_type"]
    list_select_related = ["call_type"]
    search_fields = ["title", "text"]
