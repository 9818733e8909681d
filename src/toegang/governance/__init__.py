"""Governance workbench: the choice of the organisation form of the Toegang (issue 8). The computational
core lives in ``toegang.governance.mcda``; its one entry point is ``evaluate``."""
