"""The one exception chainrule raises for bad input."""


class ChainruleError(ValueError):
    """Bad input to chainrule: the message names what was expected and what was given."""
