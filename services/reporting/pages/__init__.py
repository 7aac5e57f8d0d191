"""Server-rendered pages of the reporting service: the KPI dashboard."""
