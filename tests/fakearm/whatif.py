"""Resource-group what-if on the fake Resource Manager.

``svc = install_what_if(arm)`` adds ``POST .../resourcegroups/{rg}/providers/
Microsoft.Resources/deployments/{name}/whatIf``. The POST is answered 202 + ``Location``; the
location answers 202 ``svc.polls`` times, then 200 with a ``WhatIfOperationResult``. The test
decides what ARM "predicts": ``svc.changes`` (a list of WhatIfChange dicts, or a callable taking
the request body and returning one), ``svc.fail_with = (code, message)`` for a what-if that
finishes as Failed, ``svc.reject_with = (status, code, message)`` for an immediate error
(e.g. 400 InvalidTemplate). Received bodies land in ``svc.bodies``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakearm.server import FakeArm, Request, Response, arm_error

WHATIF_PATH = (r"/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)"
               r"/providers/Microsoft\.Resources/deployments/(?P<name>[^/]+)/whatIf")


@dataclass
class WhatIfService:
    arm: FakeArm
    changes: list[dict[str, Any]] | Callable[[Any], list[dict[str, Any]]] = field(default_factory=list)
    potential_changes: list[dict[str, Any]] | None = None
    diagnostics: list[dict[str, Any]] | None = None
    polls: int = 1
    fail_with: tuple[str, str] | None = None
    reject_with: tuple[int, str, str] | None = None
    bodies: list[Any] = field(default_factory=list)

    def handle(self, req: Request) -> Response:
        miss = self.arm.missing_resource_group(req)
        if miss:
            return miss
        self.bodies.append(req.json)
        if self.reject_with:
            return arm_error(*self.reject_with)
        if self.fail_with:
            final: dict[str, Any] = {"status": "Failed",
                                     "error": {"code": self.fail_with[0], "message": self.fail_with[1]}}
        else:
            changes = self.changes(req.json) if callable(self.changes) else self.changes
            props: dict[str, Any] = {"changes": changes}
            if self.potential_changes is not None:
                props["potentialChanges"] = self.potential_changes
            if self.diagnostics is not None:
                props["diagnostics"] = self.diagnostics
            final = {"status": "Succeeded", "properties": props}
        return self.arm.begin_operation(final, polls=self.polls, subscription=req.params["sub"])


def install_what_if(arm: FakeArm) -> WhatIfService:
    svc = WhatIfService(arm)
    arm.route("POST", WHATIF_PATH)(svc.handle)
    return svc
