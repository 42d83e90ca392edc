"""The conversation: platform-free, pure asyncio."""
