"""On PostgreSQL the database itself refuses UPDATE and DELETE of assessments: the history of a
group's assessments is kept as it was written (the model refuses too, on every database)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION convenor_group_assessment_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Assessments are a history: % of groups_assessment is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER groups_assessment_append_only
    BEFORE UPDATE OR DELETE ON groups_assessment
    FOR EACH ROW EXECUTE FUNCTION convenor_group_assessment_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS groups_assessment_append_only ON groups_assessment;
DROP FUNCTION IF EXISTS convenor_group_assessment_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_reference_data")]

    operations = [migrations.RunPython(forward, backward)]
