"""Version 1 of the rule sets ``national-2020`` and ``five-colour`` (DOMAIN.md §3.1, §3.2), frozen here."""

import json

from django.db import migrations

DEFAULTS = json.loads(r"""
{
    "national-2020": {
        "window_days": 14,
        "rules": [
            {
                "outcome": "low",
                "any": [
                    [
                        "cumulative",
                        "==",
                        0
                    ],
                    [
                        "new14",
                        "==",
                        0
                    ]
                ]
            },
            {
                "outcome": "high",
                "all": [
                    [
                        "cumulative",
                        ">",
                        50
                    ],
                    [
                        "cluster14",
                        "==",
                        true
                    ]
                ]
            },
            {
                "outcome": "medium",
                "all": []
            }
        ],
        "strategy": {
            "low": "外防输入、全面恢复生产生活秩序",
            "medium": "外防输入、内防扩散、尽快有序恢复生产生活秩序",
            "high": "内防扩散、外防输出、严格管控"
        }
    },
    "five-colour": {
        "window_days": 14,
        "recent_days": 3,
        "rules": [
            {
                "outcome": "red",
                "all": [
                    [
                        "cumulative",
                        ">",
                        50
                    ],
                    [
                        "cluster14",
                        "==",
                        true
                    ]
                ]
            },
            {
                "outcome": "orange",
                "any": [
                    [
                        "cluster14",
                        "==",
                        true
                    ],
                    [
                        "local14",
                        ">",
                        10
                    ]
                ]
            },
            {
                "outcome": "yellow",
                "all": [
                    [
                        "new3",
                        ">",
                        0
                    ]
                ]
            },
            {
                "outcome": "blue",
                "all": [
                    [
                        "new14",
                        ">",
                        0
                    ]
                ]
            },
            {
                "outcome": "green",
                "all": []
            }
        ]
    }
}
""")


def seed(apps, schema_editor):
    RuleSet = apps.get_model("core", "RuleSet")
    for key, definition in DEFAULTS.items():
        RuleSet.objects.get_or_create(key=key, version=1, defaults={
            "definition": definition, "comment": "DOMAIN.md default", "created_by_username": "system:migration"})


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleSet").objects.filter(key__in=list(DEFAULTS), version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("epidemic", "0001_initial"), ("core", "0003_rule_sets")]
    operations = [migrations.RunPython(seed, unseed)]
