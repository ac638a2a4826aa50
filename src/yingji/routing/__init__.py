"""Routing (路径与通行时间): travel times on the road network, shared by dispatch, supplies, siting."""
