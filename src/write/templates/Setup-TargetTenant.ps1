<#
.SYNOPSIS
Sets up the TARGET tenant for cross-tenant mailbox moves as Microsoft's article does: the
organization relationship with the source (Inbound moves) and the cross-tenant migration
endpoint.

.DESCRIPTION
Written by xtenant from the plan's setup checks (readiness.xlsx, Organisation setup). Run it in
Exchange Online PowerShell connected to the target tenant (Connect-ExchangeOnline), with -WhatIf
first. Each step reads what is there and changes only what differs: a relationship or endpoint
that is already right is AlreadyDone, so running it again after a partial failure finishes the
job.

1. A dehydrated tenant is customised first (Enable-OrganizationCustomization), as the article
   does before New-MigrationEndpoint.
2. The organization relationship that names the source tenant ID in DomainNames: Enabled,
   MailboxMoveEnabled, and Inbound added to MailboxMoveCapability (another capability it has,
   such as RemoteOutbound, is kept, and read back to prove it). None:
   New-OrganizationRelationship. -WarningAction Stop turns a warning into a Failed row (the
   change may be made all the same: the row says to look).
3. The migration endpoint: an ExchangeRemoteMove endpoint with RemoteServer -RemoteServer,
   RemoteTenant one of the source's domains (-SourceDomains) and ApplicationId -AppId is
   AlreadyDone. None:
   New-MigrationEndpoint, with the app's client secret typed at a prompt (never written to disk,
   not asked under -WhatIf). One of the same name that differs is not changed: the results say
   what differs; fix it or remove it (Remove-MigrationEndpoint) and run again.

Not done here, because Exchange Online PowerShell cannot: registering the migration app in Entra
ID (multi-tenant, redirect URI https://office.com, the Office 365 Exchange Online application
permission Mailbox.Migration with admin consent, a client secret that outlives the last wave;
xtenant's XT008 checks it) and the source admin's consent, whose URL the results give. Then run
Setup-SourceTenant.ps1 in the source, and Test-MigrationAvailability.ps1 here.

Each run writes logs\Setup-TargetTenant-<time>.log (transcript) and -results.csv.

.PARAMETER SourceTenantId
The source tenant's ID (a GUID): (Get-ConnectionInformation).TenantID in the source.

.PARAMETER SourceTenantDomain
The source's <tenant>.onmicrosoft.com domain: the endpoint's RemoteTenant.

.PARAMETER SourceDomains
The source's domains an existing endpoint's RemoteTenant may name (a new one names
-SourceTenantDomain).

.PARAMETER AppId
The migration app's Application (client) ID, registered in this tenant.

.PARAMETER RemoteServer
Exchange Online's host in this cloud (outlook.office.com; see Microsoft 365 endpoints for others).

.PARAMETER RelationshipName
The name of a new organization relationship (an existing one keeps its name).

.PARAMETER EndpointName
The name of the migration endpoint.

.PARAMETER LogFolder
Where the transcript and the results go.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $SourceTenantId = !SOURCE_TENANT_ID!,
    [string] $SourceTenantDomain = !SOURCE_TENANT_DOMAIN!,
    [string[]] $SourceDomains = !SOURCE_DOMAINS!,
    [string] $AppId = !APP_ID!,
    [string] $RemoteServer = !REMOTE_SERVER!,
    [string] $RelationshipName = 'Cross-tenant mailbox migration (inbound)',
    [string] $EndpointName = 'Cross-tenant mailbox migration',
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Setup-TargetTenant'

!COMMON!
!EXCHANGE!
!SETUP!
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    Assert-Given @(@('SourceTenantId', $SourceTenantId), @('SourceTenantDomain', $SourceTenantDomain), @('AppId', $AppId))

    # 1. A dehydrated tenant cannot hold a new endpoint.
    $step = 'Get-OrganizationConfig'
    try {
        $config = Get-OrganizationConfig -ErrorAction Stop
        if ("$(Get-Prop $config 'IsDehydrated')" -eq 'True') {
            $step = 'Enable-OrganizationCustomization'
            if ($PSCmdlet.ShouldProcess('this tenant', 'Enable-OrganizationCustomization')) {
                try {
                    Enable-OrganizationCustomization -ErrorAction Stop
                    Add-Result -Object 'organization' -Action 'Enable-OrganizationCustomization' -Result 'Done'
                } catch {
                    # The reference: run again, it errors; IsDehydrated may lag behind.
                    if ("$($_.Exception.Message)" -notmatch 'already') { throw }
                    Add-Result -Object 'organization' -Action 'Enable-OrganizationCustomization' -Result 'AlreadyDone' -Detail "$($_.Exception.Message)"
                }
            } else {
                Add-Result -Object 'organization' -Action 'Enable-OrganizationCustomization' -Result (Get-NotMade)
            }
        } else {
            Add-Result -Object 'organization' -Action 'Enable-OrganizationCustomization' -Result 'AlreadyDone' -Detail 'not dehydrated'
        }
    } catch {
        Add-Result -Object 'organization' -Action $step -Result 'Failed' -Detail $_.Exception.Message
    }

    # 2. The relationship with the source: Inbound moves.
    $step = 'Get-OrganizationRelationship'
    try {
        $r = Get-PartnerRelationship $SourceTenantId
        if ($null -eq $r) {
            $step = 'New-OrganizationRelationship'
            if ($PSCmdlet.ShouldProcess($RelationshipName, "New-OrganizationRelationship -DomainNames $SourceTenantId -MailboxMoveCapability Inbound")) {
                New-OrganizationRelationship -Name $RelationshipName -DomainNames $SourceTenantId -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability Inbound -ErrorAction Stop -WarningAction Stop | Out-Null
                Add-Result -Object $RelationshipName -Action 'New-OrganizationRelationship' -Result 'Done' -Detail "Inbound from $SourceTenantId"
            } else {
                Add-Result -Object $RelationshipName -Action 'New-OrganizationRelationship' -Result (Get-NotMade)
            }
        } else {
            $identity = "$(Get-Prop $r 'Identity')"
            $caps = @(Get-Capabilities $r)
            $wrong = @()
            if ("$(Get-Prop $r 'Enabled')" -ne 'True') { $wrong += 'Enabled' }
            if ("$(Get-Prop $r 'MailboxMoveEnabled')" -ne 'True') { $wrong += 'MailboxMoveEnabled' }
            if ($caps -notcontains 'Inbound') { $wrong += 'MailboxMoveCapability'; $caps += 'Inbound' }
            if ($wrong.Count -eq 0) {
                Add-Result -Object $identity -Action 'Set-OrganizationRelationship' -Result 'AlreadyDone' -Detail "Inbound from $SourceTenantId"
            } else {
                $step = 'Set-OrganizationRelationship'
                if ($PSCmdlet.ShouldProcess($identity, "Set-OrganizationRelationship ($($wrong -join ', ')): MailboxMoveCapability $($caps -join ', ')")) {
                    Set-OrganizationRelationship -Identity $identity -Enabled $true -MailboxMoveEnabled $true -MailboxMoveCapability ($caps -join ', ') -ErrorAction Stop -WarningAction Stop
                    # Read back: a direction it served before must still be there.
                    $step = 'Get-OrganizationRelationship (read back)'
                    $lost = @(Get-LostCapabilities $identity $caps)
                    if ($lost.Count -gt 0) { throw "MailboxMoveCapability lacks $($lost -join ', ') after the change" }
                    Add-Result -Object $identity -Action 'Set-OrganizationRelationship' -Result 'Done' -Detail "set $($wrong -join ', '); MailboxMoveCapability $($caps -join ', ')"
                } else {
                    Add-Result -Object $identity -Action 'Set-OrganizationRelationship' -Result (Get-NotMade)
                }
            }
        }
    } catch {
        Add-Result -Object $SourceTenantId -Action $step -Result 'Failed' -Detail $_.Exception.Message
    }

    # 3. The endpoint batches name as -SourceEndpoint.
    $step = 'Get-MigrationEndpoint'
    try {
        $endpoints = @(Get-MigrationEndpoint -ErrorAction Stop)
        $right = @($endpoints | Where-Object {
                "$(Get-Prop $_ 'EndpointType')" -eq 'ExchangeRemoteMove' -and "$(Get-Prop $_ 'RemoteServer')" -eq $RemoteServer -and
                (@($SourceDomains) + $SourceTenantDomain) -contains "$(Get-Prop $_ 'RemoteTenant')" -and "$(Get-Prop $_ 'ApplicationId')" -eq $AppId
            })
        $named = @($endpoints | Where-Object { "$(Get-Prop $_ 'Identity')" -eq $EndpointName })
        if ($right.Count -gt 0) {
            Add-Result -Object "$(Get-Prop $right[0] 'Identity')" -Action 'New-MigrationEndpoint' -Result 'AlreadyDone' -Detail "ExchangeRemoteMove to $SourceTenantDomain with app $AppId"
        } elseif ($named.Count -gt 0) {
            $e = $named[0]
            throw "an endpoint named $EndpointName exists with EndpointType $(Get-Prop $e 'EndpointType'), RemoteServer $(Get-Prop $e 'RemoteServer'), RemoteTenant $(Get-Prop $e 'RemoteTenant'), ApplicationId $(Get-Prop $e 'ApplicationId'): not changed; fix it, or remove it (Remove-MigrationEndpoint, once no batch uses it) and run again, or pass another -EndpointName"
        } else {
            $step = 'New-MigrationEndpoint'
            if ($PSCmdlet.ShouldProcess($EndpointName, "New-MigrationEndpoint -ExchangeRemoteMove -RemoteServer $RemoteServer -RemoteTenant $SourceTenantDomain -ApplicationId $AppId")) {
                # The secret is typed here and kept only in memory.
                $secret = Read-Host -AsSecureString -Prompt "Client secret of the migration app $AppId" -ErrorAction Stop
                $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $AppId, $secret
                New-MigrationEndpoint -Name $EndpointName -ExchangeRemoteMove:$true -RemoteServer $RemoteServer -RemoteTenant $SourceTenantDomain -ApplicationId $AppId -Credentials $credential -ErrorAction Stop | Out-Null
                Add-Result -Object $EndpointName -Action 'New-MigrationEndpoint' -Result 'Done' -Detail "ExchangeRemoteMove to $SourceTenantDomain; check it with Test-MigrationAvailability.ps1"
            } else {
                Add-Result -Object $EndpointName -Action 'New-MigrationEndpoint' -Result (Get-NotMade)
            }
        }
    } catch {
        Add-Result -Object $EndpointName -Action $step -Result 'Failed' -Detail $_.Exception.Message
    }

    $consent = "https://login.microsoftonline.com/$SourceTenantDomain/adminconsent?client_id=$AppId&redirect_uri=https://office.com"
    Add-Result -Object 'source admin' -Action 'consent to the migration app' -Result 'Skipped' -Detail "not for this script: the source's Global Administrator opens $consent and accepts"
    Write-Host "Next: the source's admin consents ($consent), then runs Setup-SourceTenant.ps1 in the source."
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
