"""Platform adapters: thin layers that parse input, call one service and render the reply."""
