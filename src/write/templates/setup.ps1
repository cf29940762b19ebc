# ---- Shared by the two setup scripts -------------------------------------------------------

# Stops when a value the plan could not fill was not passed either: each pair is (parameter
# name, value).
function Assert-Given([object[]] $Pairs) {
    foreach ($p in $Pairs) {
        if (-not $p[1]) { throw "Pass -$($p[0]): the plan did not know it (give xtenant the setup exports and tenant IDs, docs/setup.md)." }
    }
}

# The organization relationship that names the tenant $TenantId in DomainNames, or $null. A
# relationship names its partner by tenant ID (a GUID); two naming it is for a person to sort out.
function Get-PartnerRelationship([string] $TenantId) {
    if ($TenantId -notmatch '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$') {
        throw "$TenantId is not a tenant ID (a GUID), and a relationship names the tenant by its ID"
    }
    try {
        $rel = @(Get-OrganizationRelationship -ErrorAction Stop | Where-Object { @($_.DomainNames | ForEach-Object { "$_" }) -contains $TenantId })
    } catch {
        throw "Cannot list the organization relationships: $($_.Exception.Message)"
    }
    if ($rel.Count -gt 1) { throw "$($rel.Count) organization relationships name ${TenantId}: keep one" }
    if ($rel.Count -eq 1) { return $rel[0] }
    return $null
}

# A relationship's MailboxMoveCapability as a list, None left out.
function Get-Capabilities($Relationship) {
    return @("$(Get-Prop $Relationship 'MailboxMoveCapability')" -split '[,\s]+' | Where-Object { $_ -and $_ -ne 'None' })
}

# The capabilities of $Before not in the relationship $Identity now (read back): a direction
# a change lost.
function Get-LostCapabilities([string] $Identity, [string[]] $Before) {
    try {
        $back = Get-OrganizationRelationship -Identity $Identity -ErrorAction Stop
    } catch {
        throw "Cannot read the relationship back: $($_.Exception.Message)"
    }
    $now = @(Get-Capabilities $back)
    return @($Before | Where-Object { $now -notcontains $_ })
}
