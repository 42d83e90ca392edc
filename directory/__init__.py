"""The curated directory: models, storage, geography, search, import and export.

Nothing here knows there is a chat (see ../shared/DESIGN.md: adapters -> bot -> directory).
"""
