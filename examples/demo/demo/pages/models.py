from django.db import models


class Visit(models.Model):
    """One row per home page view."""

    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Explicit table name: otherwise Django loads the database backend
        # (e.g. psycopg2) at startup just to check the name's length.
        db_table = "pages_visit"
