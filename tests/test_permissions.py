"""Every model gets anonymous / denied / allowed / out-of-scope tests, on pages and API, from one base class.

A subclass names the model's URLs, a role that may see it, a role that may not, and, where the model is
scoped, an object that the allowed role must not reach (it answers 404, never 403: existence must not leak).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.urls import reverse

from .conftest import City


class ScopedAccessContract:
    list_page: ClassVar[str]
    api_list: ClassVar[str]
    allowed_role: ClassVar[str]
    denied_role: ClassVar[str]

    # --- per model ------------------------------------------------------------------------
    def in_scope(self, city: City) -> Any:
        raise NotImplementedError

    def out_of_scope(self, city: City) -> Any | None:
        """An object the allowed role must not reach; None where the model is not scoped below city level."""
        return None

    def detail_page(self, obj: Any) -> str:
        raise NotImplementedError

    def api_detail(self, obj: Any) -> str:
        raise NotImplementedError

    api_marker_field: ClassVar[str] = "name"

    def marker(self, obj: Any) -> str:
        return str(obj.name)

    # --- anonymous ------------------------------------------------------------------------
    def test_anonymous_pages_redirect_to_login(self, client: Any, city: City) -> None:
        for url in (reverse(self.list_page), self.detail_page(self.in_scope(city))):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_anonymous_api_is_unauthorised(self, client: Any, city: City) -> None:
        for url in (reverse(self.api_list), self.api_detail(self.in_scope(city))):
            assert client.get(url).status_code == 401

    # --- denied role ----------------------------------------------------------------------
    def test_denied_role_pages(self, client: Any, city: City) -> None:
        client.force_login(city.users[self.denied_role])
        assert client.get(reverse(self.list_page)).status_code == 403
        assert client.get(self.detail_page(self.in_scope(city))).status_code == 404

    def test_denied_role_api(self, client: Any, city: City) -> None:
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token(self.denied_role)}"}
        assert client.get(reverse(self.api_list), **auth).status_code == 403
        assert client.get(self.api_detail(self.in_scope(city)), **auth).status_code == 404

    # --- allowed role ---------------------------------------------------------------------
    def test_allowed_role_pages(self, client: Any, city: City) -> None:
        obj = self.in_scope(city)
        client.force_login(city.users[self.allowed_role])
        listing = client.get(reverse(self.list_page))
        assert listing.status_code == 200
        assert self.marker(obj) in listing.content.decode()
        detail = client.get(self.detail_page(obj))
        assert detail.status_code == 200
        assert self.marker(obj) in detail.content.decode()

    def test_allowed_role_api(self, client: Any, city: City) -> None:
        obj = self.in_scope(city)
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token(self.allowed_role)}"}
        listing = client.get(reverse(self.api_list), **auth)
        assert listing.status_code == 200
        assert self.marker(obj) in listing.content.decode()
        detail = client.get(self.api_detail(obj), **auth)
        assert detail.status_code == 200
        assert detail.json()[self.api_marker_field] == self.marker(obj)

    # --- out of scope ---------------------------------------------------------------------
    def test_out_of_scope_is_404_and_unlisted(self, client: Any, city: City) -> None:
        obj = self.out_of_scope(city)
        if obj is None:
            pytest.skip("reference data: every signed-in role but the public sees all of it")
        client.force_login(city.users[self.allowed_role])
        assert client.get(self.detail_page(obj)).status_code == 404
        assert self.marker(obj) not in client.get(reverse(self.list_page)).content.decode()
        auth = {"HTTP_AUTHORIZATION": f"Token {city.token(self.allowed_role)}"}
        client.logout()
        assert client.get(self.api_detail(obj), **auth).status_code == 404
        assert self.marker(obj) not in client.get(reverse(self.api_list), **auth).content.decode()


class EnterpriseAccess(ScopedAccessContract):
    list_page = "registry:enterprise_list"
    api_list = "enterprise-list"
    denied_role = "department"

    def detail_page(self, obj: Any) -> str:
        return reverse("registry:enterprise_detail", args=[obj.uscc])

    def api_detail(self, obj: Any) -> str:
        return reverse("enterprise-detail", args=[obj.uscc])


class TestEnterpriseAccessDistrict(EnterpriseAccess):
    allowed_role = "district"

    def in_scope(self, city: City) -> Any:
        return city.e_jiangbei

    def out_of_scope(self, city: City) -> Any:
        return city.e_binhai


class TestEnterpriseAccessPark(EnterpriseAccess):
    allowed_role = "park"

    def in_scope(self, city: City) -> Any:
        return city.e_jiangbei_park

    def out_of_scope(self, city: City) -> Any:
        return city.e_jiangbei  # same county, outside the park


class TestEnterpriseAccessLiaison(EnterpriseAccess):
    allowed_role = "liaison"
    denied_role = "public"

    def in_scope(self, city: City) -> Any:
        return city.e_jiangbei

    def out_of_scope(self, city: City) -> Any:
        return city.e_jiangbei_park  # not assigned to this officer


class TestEnterpriseAccessOwnEnterprise(EnterpriseAccess):
    allowed_role = "enterprise"

    def in_scope(self, city: City) -> Any:
        return city.e_jiangbei

    def out_of_scope(self, city: City) -> Any:
        return city.e_jiangbei_park


class TestEnterpriseAccessLeader(EnterpriseAccess):
    allowed_role = "leader"
    denied_role = "public"

    def in_scope(self, city: City) -> Any:
        return city.e_binhai


class TestRegionAccess(ScopedAccessContract):
    list_page = "registry:region_list"
    api_list = "region-list"
    allowed_role = "district"
    denied_role = "public"

    def in_scope(self, city: City) -> Any:
        return city.binhai  # reference data: another county's region is visible

    def detail_page(self, obj: Any) -> str:
        return reverse("registry:region_detail", args=[obj.code])

    def api_detail(self, obj: Any) -> str:
        return reverse("region-detail", args=[obj.code])


class ReferenceAccess(ScopedAccessContract):
    """Parks, departments: no page per object; the list page is the detail."""

    allowed_role = "department"
    denied_role = "public"
    basename: ClassVar[str]

    def detail_page(self, obj: Any) -> str:
        return reverse(self.list_page)

    def api_detail(self, obj: Any) -> str:
        return reverse(f"{self.basename}-detail", args=[obj.code])

    def test_denied_role_pages(self, client: Any, city: City) -> None:
        client.force_login(city.users[self.denied_role])
        assert client.get(reverse(self.list_page)).status_code == 403


class TestParkAccess(ReferenceAccess):
    list_page = "registry:park_list"
    api_list = "park-list"
    basename = "park"

    def in_scope(self, city: City) -> Any:
        return city.park


class TestDepartmentAccess(ReferenceAccess):
    list_page = "registry:department_list"
    api_list = "department-list"
    basename = "department"

    def in_scope(self, city: City) -> Any:
        return city.department


class TestProblemAccess(ScopedAccessContract):
    """A district operator sees the problems of its county's enterprises, and no other."""

    list_page = "problems:ledger"
    api_list = "problem-list"
    allowed_role = "district"
    denied_role = "public"
    api_marker_field = "ref"

    def _problem(self, enterprise: Any, ref: str) -> Any:
        from django.utils import timezone

        from dualtrack.problems.models import Problem

        return Problem.objects.get_or_create(ref=ref, defaults={"description": f"问题 {ref}", "enterprise": enterprise,
                                                                "reported_at": timezone.now()})[0]

    def in_scope(self, city: City) -> Any:
        return self._problem(city.e_jiangbei, "WT2020-00001")

    def out_of_scope(self, city: City) -> Any:
        return self._problem(city.e_binhai, "WT2020-00002")

    def marker(self, obj: Any) -> str:
        return str(obj.ref)

    def detail_page(self, obj: Any) -> str:
        return reverse("problems:detail", args=[obj.ref])

    def api_detail(self, obj: Any) -> str:
        return reverse("problem-detail", args=[obj.ref])


class ProjectAccess(ScopedAccessContract):
    list_page = "projects:register"
    api_list = "project-list"
    denied_role = "public"
    api_marker_field = "code"

    def _project(self, city: City, code: str, county: Any, owner: Any = None, department: Any = None) -> Any:
        from dualtrack.projects.models import Project

        return Project.objects.get_or_create(code=code, defaults={
            "name": f"项目{code}", "level": "city_key", "nature": "continuing", "county": county,
            "responsible_unit": department.name if department else "市交通运输局", "responsible_department": department,
            "total_investment": 1000, "owner": owner})[0]

    def in_scope(self, city: City) -> Any:
        return self._project(city, "XM-IN", city.jiangbei, owner=city.e_jiangbei, department=city.department)

    def out_of_scope(self, city: City) -> Any:
        return self._project(city, "XM-OUT", city.binhai, owner=city.e_binhai)

    def marker(self, obj: Any) -> str:
        return str(obj.code)

    def detail_page(self, obj: Any) -> str:
        return reverse("projects:detail", args=[obj.code])

    def api_detail(self, obj: Any) -> str:
        return reverse("project-detail", args=[obj.code])


class TestProjectAccessOwner(ProjectAccess):
    """A project owner (企业) sees its own projects only."""

    allowed_role = "enterprise"


class TestProjectAccessResponsibleUnit(ProjectAccess):
    """A responsible unit (责任单位, a department) sees the projects it is responsible for."""

    allowed_role = "department"


class TestProjectAccessDistrict(ProjectAccess):
    allowed_role = "district"


class ApplicationAccess(ScopedAccessContract):
    list_page = "policies:ledger"
    api_list = "application-list"
    denied_role = "public"
    api_marker_field = "enterprise"

    def _application(self, city: City, enterprise: Any, department: Any) -> Any:
        import datetime as dt

        from django.utils import timezone

        from dualtrack.policies.models import Application, Measure, Policy

        policy, _ = Policy.objects.get_or_create(doc_number="宁政发〔2020〕3号", defaults={
            "title": "若干意见", "issuer": "市政府", "issued_on": dt.date(2020, 2, 6), "effective_from": dt.date(2020, 2, 6)})
        measure, _ = Measure.objects.get_or_create(code=f"M-{department.code}", defaults={
            "policy": policy, "title": "稳岗返还", "support_type": "job_stabilisation", "department": department,
            "window_start": dt.date(2020, 2, 10), "window_end": dt.date(2020, 6, 30), "amount_rule": "fixed",
            "amount_fixed": 1})
        return Application.objects.get_or_create(measure=measure, enterprise=enterprise, defaults={
            "source": "enterprise", "state": "submitted", "submitted_at": timezone.now(), "amount": 1})[0]

    def in_scope(self, city: City) -> Any:
        return self._application(city, city.e_jiangbei, city.department)

    def out_of_scope(self, city: City) -> Any:
        from dualtrack.registry.models import Department

        other, _ = Department.objects.get_or_create(code="SWJ", defaults={"name": "市商务局"})
        return self._application(city, city.e_binhai, other)

    def marker(self, obj: Any) -> str:
        return str(obj.enterprise.uscc)

    def detail_page(self, obj: Any) -> str:
        return reverse("policies:application", args=[obj.pk])

    def api_detail(self, obj: Any) -> str:
        return reverse("application-detail", args=[obj.pk])


class TestApplicationAccessEnterprise(ApplicationAccess):
    """An enterprise sees its own applications only."""

    allowed_role = "enterprise"


class TestApplicationAccessDepartment(ApplicationAccess):
    """A department sees the applications under its measures only."""

    allowed_role = "department"


class TestProblemAccessPark(TestProblemAccess):
    """A park operator (园区) sees the problems of its park's enterprises, not of the rest of the county
    (it used to get 403 on every problem page)."""

    allowed_role = "park"

    def in_scope(self, city: City) -> Any:
        return self._problem(city.e_jiangbei_park, "WT2020-00003")

    def out_of_scope(self, city: City) -> Any:
        return self._problem(city.e_jiangbei, "WT2020-00004")  # same county, outside the park


class TestProjectAccessPark(ProjectAccess):
    """A park operator sees the projects in its park or owned by its park's enterprises."""

    allowed_role = "park"

    def in_scope(self, city: City) -> Any:
        return self._project(city, "XM-PARK", city.jiangbei, owner=city.e_jiangbei_park)

    def out_of_scope(self, city: City) -> Any:
        return self._project(city, "XM-COUNTY", city.jiangbei, owner=city.e_jiangbei)  # same county, not the park
