"""Plain words for audit action codes: the one place a code gets its reader's name. A code not
listed here is humanised (``threat_link_viewed`` -> "Threat link viewed"), so a new one never
shows as a raw code."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "signed_in": "Signed in",
    "signed_in_password": "Gave the right password (before the security code)",
    "signed_out": "Signed out",
    "sign_in_failed": "Failed to sign in",
    "second_factor_enrolled": "Set up an authenticator app",
    "second_factor_failed": "Gave a wrong security code",
    "locked_out": "Locked out after repeated failures",
    "reauthenticated": "Confirmed their identity again",
    "reauthentication_failed": "Failed to confirm their identity",
    "reauthentication_required": "Asked to confirm their identity",
    "password_changed": "Changed their password",
    "password_reset": "Reset a password",
    "api_token_issued": "Issued an API token",
    "api_token_revoked": "Revoked an API token",
    "audit_viewed": "Read the audit record",
    "audit_exported": "Exported the audit record",
    "audit_chain_verified": "Verified the audit chain",
    "changed_in_admin": "Changed in the back office",
    "deleted_in_admin": "Deleted in the back office",
    "search_run": "Searched",
    "demo_loaded": "Loaded the demonstration data",
    "governance_demo_loaded": "Loaded the governance demonstration data",
    "agreement_created": "Recorded an information sharing agreement",
    "agreement_changed": "Edited a draft information sharing agreement",
    "agreement_signed": "Signed an information sharing agreement",
    "agreement_renewed": "Renewed an information sharing agreement",
    "partnership_invitation_sent": "Invited an organisation to a partnership",
    "partnership_invitation_accepted": "Accepted an invitation to a partnership",
    "partnership_invitation_declined": "Declined an invitation to a partnership",
    "dataset_created": "Recorded a partner dataset",
    "dataset_file_uploaded": "Uploaded a file to a dataset",
    "dataset_import_started": "Started an import",
    "dataset_imported": "Imported a file",
    "dataset_import_rejected": "Import rejected",
    "dataset_import_repeated": "Same file imported again (nothing changed)",
    "linkage_started": "Started linking records",
    "linkage_finished": "Finished linking records",
    "link_decided": "Decided on a link",
    "entity_split": "Split a record from an entity",
    "threat_record_viewed": "Read a partner record",
    "threat_records_listed": "Listed partner records",
    "threat_entity_viewed": "Read an entity",
    "threat_link_viewed": "Read a link",
    "threat_links_listed": "Listed links",
    "threat_network_viewed": "Viewed the network",
    "threat_network_exported": "Exported the network",
    "threat_dataset_viewed": "Read a dataset",
    "threat_import_viewed": "Read an import",
    "group_recorded": "Recorded an organised crime group",
    "group_changed": "Changed an organised crime group",
    "group_viewed": "Read an organised crime group",
    "group_assessed": "Assessed an organised crime group",
    "group_member_added": "Added a group member",
    "group_member_changed": "Changed a group member",
    "group_member_removed": "Removed a group member",
    "groups_exported": "Exported organised crime groups",
    "intelligence_report_submitted": "Submitted an intelligence report",
    "intelligence_report_disseminated": "Disseminated an intelligence report",
    "intelligence_report_sanitised": "Made a sanitised version of a report",
    "intelligence_subject_linked": "Linked an intelligence subject to an entity",
    "anonymous_report_viewed": "Read an anonymous report",
    "anonymous_reports_destroyed": "Destroyed anonymous reports past retention",
    "board_created": "Created a board",
    "board_changed": "Changed a board",
    "meeting_scheduled": "Scheduled a meeting",
    "meeting_published": "Published a meeting",
    "meeting_cancelled": "Cancelled a meeting",
    "meeting_part_b_viewed": "Read a meeting's confidential part",
    "minutes_recorded": "Recorded minutes",
    "profile_created": "Created a local profile",
    "profile_built": "Built a local profile",
    "profile_read": "Read a local profile",
    "pdf_exported": "Exported a PDF",
}

_WORDS = {"api": "API", "pdf": "PDF", "csv": "CSV", "isa": "ISA", "ocg": "OCG"}


def action_label(code: str) -> str:
    """The action in plain words: from :data:`ACTION_LABELS`, else the code humanised."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    words = [_WORDS.get(word, word) for word in code.replace("-", "_").split("_") if word]
    if not words:
        return code
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])
