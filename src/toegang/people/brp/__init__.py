"""Haal Centraal BRP API Personen v2: client (client.py), local fake (fake.py), logged queries and
provenance (services.py), the "Ophalen uit de BRP" part of registration pages (prefill.py). docs/brp.md."""
