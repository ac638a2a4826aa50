"""Units (生产经营单位): the enterprises and other supervised units every domain refers to.

A shared package *below* the business domains (see docs/architecture.md, "Dependency order"):
risk sources, hazards, inspections, enforcement plans — and later monitoring devices, plans and
supplies — belong to a unit. It owns the ``units`` table, its registration API
(``/api/v1/units``), its bulk import and the industries code table. It knows nothing of the
domains above it: ``risk_level`` is a column the risk domain maintains through
:func:`yingji.units.service.set_risk_levels` inside its own audited actions.
"""
