"""Adapters: terminal, Telegram, Discord and the command line; the only place that wires
the engine, the directory and the bot together."""
