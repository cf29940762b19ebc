<#
.SYNOPSIS
Sets up the SOURCE tenant for cross-tenant mailbox moves as Microsoft's article does: the scope
group (a mail-enabled security group) with the mailboxes the plan moves, and the organization
relationship with the target (RemoteOutbound, the migration app, the scope).

.DESCRIPTION
Written by xtenant from the plan's setup checks (readiness.xlsx, Organisation setup). Run it in
Exchange Online PowerShell connected to the source tenant (Connect-ExchangeOnline), with -WhatIf
first, after this tenant's Global Administrator has consented to the migration app (the URL is
in the results). Each step reads what is there and changes only what differs, so running it
again after a partial failure finishes the job.

1. The scope group -ScopeGroup: created as a mail-enabled security group when there is none
   (New-DistributionGroup -Type Security). A group of that name of another kind is not used:
   the relationship would leave it out with only a warning, and every move would fail
   (MailboxNotInCrossTenantMigrationScopeException).
2. With -AddMembers, every mailbox of ..\readiness.csv joins the scope group directly (nested
   groups do not count); members already there are AlreadyDone.
3. The organization relationship that names the target tenant ID in DomainNames: Enabled,
   MailboxMoveEnabled, RemoteOutbound added to MailboxMoveCapability (another capability, such
   as Inbound, is kept), OAuthApplicationId -AppId, MailboxMovePublishedScopes -ScopeGroup. None:
   New-OrganizationRelationship. A relationship that names another app or another scope group
   is someone's working setup (it holds one scope: that group's members would drop out of scope
   mid-move): it is left alone and reported, unless -Replace. Without the scope group the
   relationship is not touched (Waiting). -WarningAction Stop turns a warning (such as "is not a
   security group") into a Failed row, but Exchange may have made the change all the same, so
   MailboxMovePublishedScopes and MailboxMoveCapability are read back to prove the scope took
   and no direction was lost.

Each run writes logs\Setup-SourceTenant-<time>.log (transcript) and -results.csv.

.PARAMETER TargetTenantId
The target tenant's ID (a GUID): (Get-ConnectionInformation).TenantID in the target.

.PARAMETER AppId
The migration app's Application (client) ID (registered in the target).

.PARAMETER ScopeGroup
The scope group's name.

.PARAMETER AddMembers
Add every mailbox of readiness.csv to the scope group.

.PARAMETER Replace
Replace the app or the scope group the relationship names when it names others.

.PARAMETER RelationshipName
The name of a new organization relationship (an existing one keeps its name).

.PARAMETER PlanFolder
The plan's folder (readiness.csv).

.PARAMETER LogFolder
Where the transcript and the results go.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $TargetTenantId = !TARGET_TENANT_ID!,
    [string] $AppId = !APP_ID!,
    [string] $ScopeGroup = !SCOPE_GROUP!,
    [switch] $AddMembers,
    [switch] $Replace,
    [string] $RelationshipName = 'Cross-tenant mailbox migration (outbound)',
    [string] $PlanFolder = (Join-Path $PSScriptRoot '..'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Setup-SourceTenant'

!COMMON!
!EXCHANGE!
!SETUP!
# Whether a MailboxMovePublishedScopes entry is the group $Group. The reference does not say
# how the output shows an entry (a name, a DN, a canonical path): it is looked up as an
# identity and compared by GUID, as Microsoft's validation script looks it up.
function Test-ScopeIsGroup([string] $Entry, $Group) {
    if ($null -eq $Group -or -not $Entry) { return $false }
    if (Test-Carries $Group $Entry) { return $true }
    try {
        $found = @(Get-DistributionGroup -Identity $Entry -ErrorAction Stop)
    } catch {
        if (Test-NotFound $_) { return $false }
        throw
    }
    return $found.Count -eq 1 -and (Get-ObjectId $found[0]) -eq (Get-ObjectId $Group)
}

$PlanFolder = Resolve-Folder $PlanFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    Assert-Given @(@('TargetTenantId', $TargetTenantId), @('AppId', $AppId), @('ScopeGroup', $ScopeGroup))

    # 1. The scope group: a mail-enabled security group, or nothing works.
    $group = $null
    $step = 'Get-DistributionGroup'
    try {
        $found = @()
        try {
            $found = @(Get-DistributionGroup -Identity $ScopeGroup -ErrorAction Stop)
        } catch {
            if (-not (Test-NotFound $_)) { throw }
        }
        $found = @($found | Where-Object { Test-Carries $_ $ScopeGroup })
        if ($found.Count -gt 1) { throw "$ScopeGroup names $($found.Count) groups" }
        if ($found.Count -eq 1) {
            $group = $found[0]
            $kind = "$(Get-Prop $group 'RecipientTypeDetails')"
            if ($kind -ne 'MailUniversalSecurityGroup') {
                $group = $null
                throw "${ScopeGroup} is a $kind, not a mail-enabled security group: the relationship would leave it out. Pass -ScopeGroup with a new name; this script creates it as a security group"
            }
            Add-Result -Object $ScopeGroup -Action 'New-DistributionGroup -Type Security' -Result 'AlreadyDone' -Detail 'a mail-enabled security group'
        } else {
            $step = 'New-DistributionGroup'
            if ($PSCmdlet.ShouldProcess($ScopeGroup, 'New-DistributionGroup -Type Security')) {
                $group = New-DistributionGroup -Name $ScopeGroup -Type Security -ErrorAction Stop
                Add-Result -Object $ScopeGroup -Action 'New-DistributionGroup -Type Security' -Result 'Done'
            } else {
                Add-Result -Object $ScopeGroup -Action 'New-DistributionGroup -Type Security' -Result (Get-NotMade)
            }
        }
    } catch {
        Add-Result -Object $ScopeGroup -Action $step -Result 'Failed' -Detail $_.Exception.Message
    }

    # 2. The plan's mailboxes, as direct members.
    if ($AddMembers) {
        $rows = @(Import-PlanCsv (Join-Path $PlanFolder 'readiness.csv'))
        $members = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
        if ($group) {
            $step = 'Get-DistributionGroupMember'
            try {
                foreach ($m in @(Get-DistributionGroupMember -Identity (Get-ObjectId $group) -ResultSize Unlimited -ErrorAction Stop)) {
                    [void]$members.Add("$(Get-Prop $m 'PrimarySmtpAddress')")
                }
            } catch {
                Add-Result -Object $ScopeGroup -Action $step -Result 'Failed' -Detail $_.Exception.Message
            }
        }
        foreach ($row in $rows) {
            $mailbox = "$($row.SourcePrimarySmtpAddress)"
            if (-not $mailbox) { continue }
            if ($members.Contains($mailbox)) {
                Add-Result -Object $mailbox -Action "Add-DistributionGroupMember $ScopeGroup" -Result 'AlreadyDone' -Detail 'a member'
                continue
            }
            if ($null -eq $group) {
                Add-Result -Object $mailbox -Action "Add-DistributionGroupMember $ScopeGroup" -Result (Get-NotMade) -Detail 'the scope group does not exist yet'
                continue
            }
            $step = 'Add-DistributionGroupMember'
            try {
                if ($PSCmdlet.ShouldProcess($ScopeGroup, "Add-DistributionGroupMember -Member $mailbox")) {
                    try {
                        Add-DistributionGroupMember -Identity (Get-ObjectId $group) -Member $mailbox -BypassSecurityGroupManagerCheck -Confirm:$false -ErrorAction Stop
                        Add-Result -Object $mailbox -Action "Add-DistributionGroupMember $ScopeGroup" -Result 'Done'
                    } catch {
                        if ("$($_.Exception.Message) $($_.FullyQualifiedErrorId)" -notmatch 'already a member|MemberAlreadyExists') { throw }
                        Add-Result -Object $mailbox -Action "Add-DistributionGroupMember $ScopeGroup" -Result 'AlreadyDone' -Detail 'a member'
                    }
                } else {
                    Add-Result -Object $mailbox -Action "Add-DistributionGroupMember $ScopeGroup" -Result (Get-NotMade)
                }
            } catch {
                Add-Result -Object $mailbox -Action $step -Result 'Failed' -Detail $_.Exception.Message
            }
        }
    }

    # 3. The relationship with the target: RemoteOutbound, the app, the scope. Not without the
    # scope group: a relationship whose scope is left out releases nobody.
    if ($null -eq $group -and -not $WhatIfPreference) {
        Add-Result -Object $TargetTenantId -Action 'Set-OrganizationRelationship' -Result 'Waiting' -Detail "the scope group $ScopeGroup is not there (see its row): the relationship is left as it is"
    } else {
        # By GUID: a group just made may not be found by its name yet.
        $scopeId = $ScopeGroup
        if ($group) { $scopeId = Get-ObjectId $group }
        $step = 'Get-OrganizationRelationship'
        try {
            $r = Get-PartnerRelationship $TargetTenantId
            $identity = $RelationshipName
            $changed = $false
            $caps = @('RemoteOutbound')
            if ($null -eq $r) {
                $step = 'New-OrganizationRelationship'
                if ($PSCmdlet.ShouldProcess($RelationshipName, "New-OrganizationRelationship -DomainNames $TargetTenantId -MailboxMoveCapability RemoteOutbound -OAuthApplicationId $AppId -MailboxMovePublishedScopes $ScopeGroup")) {
                    New-OrganizationRelationship -Name $RelationshipName -DomainNames $TargetTenantId -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability RemoteOutbound -OAuthApplicationId $AppId -MailboxMovePublishedScopes $scopeId -ErrorAction Stop -WarningAction Stop | Out-Null
                    $changed = $true
                    Add-Result -Object $RelationshipName -Action 'New-OrganizationRelationship' -Result 'Done' -Detail "RemoteOutbound to $TargetTenantId"
                } else {
                    Add-Result -Object $RelationshipName -Action 'New-OrganizationRelationship' -Result (Get-NotMade)
                }
            } else {
                $identity = "$(Get-Prop $r 'Identity')"
                $caps = @(Get-Capabilities $r)
                $scopes = @(@(Get-Prop $r 'MailboxMovePublishedScopes') | ForEach-Object { "$_" } | Where-Object { $_ })
                $app = "$(Get-Prop $r 'OAuthApplicationId')"
                $change = @{}
                $wrong = @()
                if ("$(Get-Prop $r 'Enabled')" -ne 'True') { $wrong += 'Enabled'; $change.Enabled = $true }
                if ("$(Get-Prop $r 'MailboxMoveEnabled')" -ne 'True') { $wrong += 'MailboxMoveEnabled'; $change.MailboxMoveEnabled = $true }
                if ($caps -notcontains 'RemoteOutbound') { $caps += 'RemoteOutbound'; $wrong += 'MailboxMoveCapability'; $change.MailboxMoveCapability = ($caps -join ', ') }
                if ($app -ne $AppId) {
                    # Another app's relationship is someone's working setup: replaced only when told.
                    if ($app -and $app -ne '00000000-0000-0000-0000-000000000000' -and -not $Replace) {
                        throw "it names the app $app, not ${AppId}: left alone; pass -Replace to replace it"
                    }
                    $wrong += "OAuthApplicationId (was '$app')"
                    $change.OAuthApplicationId = $AppId
                }
                if (@($scopes | Where-Object { Test-ScopeIsGroup $_ $group }).Count -eq 0) {
                    # One scope per relationship: another group's members would drop out mid-move.
                    if ($scopes.Count -gt 0 -and -not $Replace) {
                        throw "its scope is $($scopes -join ', '), not ${ScopeGroup}: left alone; pass -Replace to replace it (members of that group then drop out of scope)"
                    }
                    $wrong += "MailboxMovePublishedScopes (was '$($scopes -join ', ')')"
                    $change.MailboxMovePublishedScopes = $scopeId
                }
                if ($wrong.Count -eq 0) {
                    Add-Result -Object $identity -Action 'Set-OrganizationRelationship' -Result 'AlreadyDone' -Detail "RemoteOutbound to $TargetTenantId, app $AppId, scope $ScopeGroup"
                } else {
                    $step = 'Set-OrganizationRelationship'
                    if ($PSCmdlet.ShouldProcess($identity, "Set-OrganizationRelationship $($wrong -join ', ')")) {
                        Set-OrganizationRelationship -Identity $identity @change -ErrorAction Stop -WarningAction Stop
                        $changed = $true
                        Add-Result -Object $identity -Action 'Set-OrganizationRelationship' -Result 'Done' -Detail "set $($wrong -join ', ')"
                    } else {
                        Add-Result -Object $identity -Action 'Set-OrganizationRelationship' -Result (Get-NotMade)
                    }
                }
            }
            if ($changed) {
                # Read back: a scope the relationship left out is the silent failure Microsoft's
                # article warns about, and a direction it served must still be there.
                $step = 'Get-OrganizationRelationship (read back)'
                $back = Get-OrganizationRelationship -Identity $identity -ErrorAction Stop
                $scopes = @(@(Get-Prop $back 'MailboxMovePublishedScopes') | ForEach-Object { "$_" } | Where-Object { $_ })
                if (@($scopes | Where-Object { Test-ScopeIsGroup $_ $group }).Count -eq 0) {
                    throw "MailboxMovePublishedScopes is '$($scopes -join ', ')' after the change, not ${ScopeGroup}: the scope did not take"
                }
                $lost = @(Get-LostCapabilities $identity $caps)
                if ($lost.Count -gt 0) { throw "MailboxMoveCapability lacks $($lost -join ', ') after the change" }
                Add-Result -Object $identity -Action 'read back' -Result 'AlreadyDone' -Detail "checked: scope $ScopeGroup, MailboxMoveCapability $($caps -join ', ')"
            }
        } catch {
            Add-Result -Object $TargetTenantId -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
    Write-Host 'Next: in the target, Test-MigrationAvailability.ps1 (Test-MigrationServerAvailability for a user of the pilot).'
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
