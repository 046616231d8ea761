"""A local Azure Resource Manager for tests: real HTTP on 127.0.0.1, driven by the real SDK.

See :mod:`tests.fakearm.server` for the extension API (routes, resource store, long-running
operations, fault injection) and :mod:`tests.fakearm.fixtures` for the ``fake_arm`` fixture.
"""

from tests.fakearm.server import FakeArm, Request, Response, arm_error

__all__ = ["FakeArm", "Request", "Response", "arm_error"]
