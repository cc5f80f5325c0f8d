from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "kefu.bench"
    label = "bench"
    verbose_name = "Benchmark reference"
    default_auto_field = "django.db.models.BigAutoField"
