"""No models yet: the MCDA core is pure computation on a JSON problem (see ``mcda``)."""
