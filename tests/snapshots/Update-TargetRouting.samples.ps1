<#
.SYNOPSIS
For DIR-SYNCED TARGET users, in the target's on-premises Active Directory: once a user's mailbox
has moved, points its targetAddress at the new mailbox instead of the source tenant.

.DESCRIPTION
Written by xtenant. Reads ..\stamping\routing.csv, the rows with a TargetOnPremIdentity: the
target user is synchronised from on-premises AD (248 such row(s) in this plan).
Before the move, the user's targetAddress points at the source tenant (the ExternalEmailAddress
the move needs: Apply-OnPremStamping.ps1 set it). Once the mailbox has moved, Microsoft's article
updates the on-premises mail users "in both the source and target" with the target delivery
address, so that mail and free/busy from on-premises reach the mailbox without a detour through
the source. This script sets targetAddress to SMTP:<RemoteRoutingAddress>, the user's address in
the target's delivery domain; the next directory sync carries it.

Where the target runs Exchange on-premises (hybrid), Microsoft's FAQ makes the user a remote
mailbox there instead (Get-MailUser <user> | Enable-RemoteMailbox, in the target's Exchange
Management Shell), which sets the routing itself: use that rather than this script.

Never run it before the move: until then the move needs targetAddress pointing at the source.
Only users whose move completed are changed (-CompletedUsers, exported in the target tenant as
for Update-SourceRouting.ps1; -AllUsersOfWave when every batch completed without errors). A user
already routed there is AlreadyDone, so it is safe to run again. -WhatIf shows every change without
making it. Each run writes logs\Update-TargetRouting-<time>.log and -results.csv.

.PARAMETER Wave
The completed waves whose users to route, as in routing.csv.

.PARAMETER CompletedUsers
A CSV of the target's migration users that completed, exported in the TARGET tenant:
    Get-MigrationUser -ResultSize Unlimited |
      Where-Object { "$($_.Status)" -in 'Completed', 'CompletedWithWarnings' } |
      Select-Object Identity | Export-Csv completed-users.csv -NoTypeInformation -Encoding UTF8

.PARAMETER AllUsersOfWave
Route every user of the waves without -CompletedUsers: only when every batch of the waves
completed without errors.

.PARAMETER Server
A domain controller to read and write (the module's default when omitted).
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string[]] $Wave,
    [string] $CompletedUsers,
    [switch] $AllUsersOfWave,
    [string] $Server,
    [string] $StampingFolder = (Join-Path $PSScriptRoot '..\stamping'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Update-TargetRouting'

# <xtenant: common.ps1>
# ---- Active Directory lookups shared by the scripts that run against on-premises AD ---------

function Import-ADModule {
    try {
        Import-Module ActiveDirectory -ErrorAction Stop
    } catch {
        throw "The ActiveDirectory module is needed (RSAT: Active Directory module for Windows PowerShell): $($_.Exception.Message)"
    }
}

# An identity as an LDAP filter value (RFC 4515): \ * ( ) and NUL escaped.
function ConvertTo-LdapValue([string] $Value) {
    return $Value.Replace('\', '\5c').Replace('*', '\2a').Replace('(', '\28').Replace(')', '\29').Replace([string][char]0, '\00')
}

# The one AD user that carries $Identity as its userPrincipalName, mail or an SMTP proxy address,
# with $Properties read (an attribute without a value is absent from the result: read them with
# Get-Prop); stops when none or several do.
function Find-ADUserByAddress([string] $Identity, [string[]] $Properties, [hashtable] $AdParams) {
    $value = ConvertTo-LdapValue $Identity
    try {
        $found = @(Get-ADUser @AdParams -LDAPFilter "(|(userPrincipalName=$value)(mail=$value)(proxyAddresses=smtp:$value))" -Properties $Properties -ErrorAction Stop)
    } catch {
        throw "Get-ADUser ${Identity}: $($_.Exception.Message)"
    }
    if ($found.Count -ne 1) {
        throw "$($found.Count) AD users carry $Identity (by userPrincipalName, mail or proxyAddresses): expected exactly one"
    }
    return $found[0]
}
$StampingFolder = Resolve-Folder $StampingFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $rows = @(Import-PlanCsv (Join-Path $StampingFolder 'routing.csv') | Where-Object { $Wave -contains $_.Wave -and $_.TargetOnPremIdentity })
    if ($rows.Count -eq 0) {
        Write-Host "No dir-synced target user in wave(s) $($Wave -join ', '): nothing to route on-premises."
    } else {
        Import-ADModule
        $completed = Get-CompletedUsers $CompletedUsers $AllUsersOfWave
        $adParams = @{}
        if ($Server) { $adParams.Server = $Server }
    }
    foreach ($row in $rows) {
        $step = 'Get-ADUser'
        try {
            if ($null -ne $completed -and -not $completed.Contains($row.TargetAddress)) {
                Add-Result -Object $row.TargetOnPremIdentity -Action 'Set-ADUser targetAddress' -Result 'Waiting' -Detail "$($row.TargetAddress) has not completed its move (not in $CompletedUsers)"
                continue
            }
            if (-not $row.RemoteRoutingAddress) {
                throw 'no routing address: the plan had no delivery domain (give xtenant --delivery-domain and plan again)'
            }
            $user = Find-ADUserByAddress $row.TargetOnPremIdentity @('targetAddress') $adParams
            if ((Get-Bare "$(Get-Prop $user 'targetAddress')") -eq $row.RemoteRoutingAddress) {
                Add-Result -Object $row.TargetOnPremIdentity -Action 'Set-ADUser targetAddress' -Result 'AlreadyDone'
                continue
            }
            $step = 'Set-ADUser'
            $dn = "$(Get-Prop $user 'DistinguishedName')"
            $want = "SMTP:$($row.RemoteRoutingAddress)"
            if ($PSCmdlet.ShouldProcess($dn, "Set-ADUser -Replace @{targetAddress = $want}")) {
                Set-ADUser @adParams -Identity $dn -Replace @{ targetAddress = $want } -Confirm:$false -ErrorAction Stop
                Add-Result -Object $row.TargetOnPremIdentity -Action 'Set-ADUser targetAddress' -Result 'Done' -Detail "now routes to $want"
            } else {
                Add-Result -Object $row.TargetOnPremIdentity -Action 'Set-ADUser targetAddress' -Result (Get-NotMade)
            }
        } catch {
            Add-Result -Object $row.TargetOnPremIdentity -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
    if ($rows.Count -gt 0) {
        Write-Host 'Next: run a delta sync (Start-ADSyncSyncCycle -PolicyType Delta on the Entra Connect server).'
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
