"""Cost pools (kostenpotten) and their allocation over the members that take part."""
