"""The command line's subcommands, one module per area; bot/__main__.py builds the parser from them."""
