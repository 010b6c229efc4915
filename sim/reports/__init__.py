"""Reports for policymakers (fund designs side by side) and researchers (sensitivity, discovery)."""
