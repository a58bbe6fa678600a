"""``/api/v1/problems``: create, list (the ledger's filters) and move problems (token auth)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dualtrack.core.actors import actor_of
from dualtrack.core.api import PersonalTextsList, PersonalTextsSerializer, ScopedReadOnlyViewSet
from dualtrack.core.choices import MAX_COUNT
from dualtrack.registry import services as registry

from . import services
from .choices import DESCRIPTION_MAX, Complexity, State
from .filters import ProblemFilterSet
from .models import Category, Problem


class ProblemSerializer(PersonalTextsSerializer):
    category = serializers.CharField(source="category.name", allow_null=True, read_only=True)
    department = serializers.CharField(source="department.code", allow_null=True, read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", allow_null=True, read_only=True)
    duplicate_of = serializers.CharField(source="duplicate_of.ref", allow_null=True, read_only=True)

    class Meta:
        model = Problem
        fields = ["ref", "state", "description", "category", "complexity", "department", "enterprise", "reported_at",
                  "assigned_at", "due_at", "escalation_level", "recurring", "duplicate_of", "answer", "version"]
        personal_fields = ("description", "answer")  # phone and ID numbers: the one masking path
        list_serializer_class = PersonalTextsList


class CreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    uscc = serializers.CharField(required=False, allow_blank=True, max_length=18)


class MoveSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX)
    answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX)
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    department = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    complexity = serializers.ChoiceField(choices=Complexity.choices, required=False, allow_blank=True, default="")


class ProblemViewSet(ScopedReadOnlyViewSet):
    queryset = Problem.objects.select_related("category", "department", "enterprise", "duplicate_of")
    serializer_class = ProblemSerializer
    lookup_field = "ref"
    filterset_class = ProblemFilterSet

    @extend_schema(request=CreateSerializer, responses={201: ProblemSerializer})
    def create(self, request: Request) -> Response:
        data = CreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        problem = services.report_for(actor_of(request), data.validated_data["description"],
                                      data.validated_data.get("uscc") or "")
        return Response(ProblemSerializer(problem, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MoveSerializer, responses={200: ProblemSerializer, 409: dict})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, ref: str | None = None) -> Response:
        problem = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        category = Category.objects.filter(name=values.pop("category")).first() if values.get("category") else None
        department = registry.department_by_code(values.pop("department")) if values.get("department") else None
        # A refusal, a stale version (409) or a move the role may not make (403) is translated by core.api.
        moved = services.move(problem.pk, values["version"], values["to_state"], actor_of(request), values["comment"],
                              answer=values["answer"], category=category, department=department,
                              complexity=values["complexity"])
        return Response(ProblemSerializer(moved, context={"request": request}).data)
