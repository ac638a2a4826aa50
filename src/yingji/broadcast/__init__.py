"""Warning delivery (预警发布渠道): recipients, targeting, channels, per-recipient delivery and coverage.

Below ``warnings``: the warnings domain calls :func:`yingji.broadcast.service.submit` inside its
publishing action; this package never imports it.
"""
